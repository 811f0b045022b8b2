"""Forms of the portal's preferences and privacy pages: they parse and check what the member
typed; the services in ``club.members.services`` check again and write."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from club.members.models import ConsentPurpose
from club.members.selectors import interest_choices
from club.members.services.preferences import (
    MAX_MESSAGES_PER_WEEK_LIMIT,
    ContactLimits,
    PreferencesInvalid,
    contact_limits_check,
)

_TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ChannelsForm(forms.Form):
    channel_portal = forms.BooleanField(label=_("Portal inbox"), required=False)
    channel_email = forms.BooleanField(label=_("Email"), required=False)
    channel_sms = forms.BooleanField(label=_("SMS"), required=False)

    def consents(self) -> dict[str, bool]:
        return {ConsentPurpose(name).value: value for name, value in self.cleaned_data.items()}


class PurposesForm(forms.Form):
    marketing = forms.BooleanField(
        label=_("Marketing messages"), required=False,
        help_text=_("Offers and news from the club on the channels you allow."),
    )
    profiling = forms.BooleanField(
        label=_("Profiling from usage data"), required=False,
        help_text=_("We use how you use your line to choose offers and bundles that fit you."),
    )

    def consents(self) -> dict[str, bool]:
        return {ConsentPurpose(name).value: value for name, value in self.cleaned_data.items()}


class ContactLimitsForm(forms.Form):
    max_messages_per_week = forms.IntegerField(
        label=_("Most marketing messages a week"), required=False, min_value=0,
        max_value=MAX_MESSAGES_PER_WEEK_LIMIT,
        help_text=_("Leave it empty to let the club's own limits apply."),
        error_messages={"invalid": _("Enter a whole number.")},
    )
    quiet_hours_start = forms.TimeField(
        label=_("Quiet hours from"), required=False, widget=_TIME_WIDGET,
        error_messages={"invalid": _("Enter a time such as 22:00.")},
    )
    quiet_hours_end = forms.TimeField(
        label=_("Quiet hours until"), required=False, widget=_TIME_WIDGET,
        help_text=_("No messages between these times. They may span midnight, e.g. 22:00 to 07:00."),
        error_messages={"invalid": _("Enter a time such as 07:00.")},
    )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            contact_limits_check(self.limits())
        except PreferencesInvalid as exc:
            self.add_error(exc.field, exc.message)
        return cleaned

    def limits(self) -> ContactLimits:
        data = self.cleaned_data
        return ContactLimits(
            max_messages_per_week=data.get("max_messages_per_week"),
            quiet_hours_start=data.get("quiet_hours_start"),
            quiet_hours_end=data.get("quiet_hours_end"),
        )


class InterestsForm(forms.Form):
    interests = forms.ModelMultipleChoiceField(
        label=_("Your interests"), queryset=interest_choices(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("We invite you to events and show you articles about these."),
        error_messages={
            "invalid_choice": _("Choose interests from the list."),
            "invalid_pk_value": _("Choose interests from the list."),
        },
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"), choices=settings.LANGUAGES,
        help_text=_("For these pages and for the messages we send you."),
        error_messages={"invalid_choice": _("Choose one of the languages offered.")},
    )


class ErasureConfirmForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password to confirm.")},
    )
    understood = forms.BooleanField(
        label=_("I understand that this cannot be undone."),
        error_messages={"required": _("Tick the box to confirm that you understand.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."), code="wrong_password")
        return password
