from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PartnerRole


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=PartnerRole.choices, initial=PartnerRole.ANALYST)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=PartnerRole.choices)


class SetPasswordForm(forms.Form):
    password1 = forms.CharField(
        label=_("Password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters, not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password (again)"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return cleaned


def form_errors_apply(form: forms.Form, errors: dict[str, str]) -> None:
    """Show a service's refusal on the form (unknown fields as the form's own error)."""
    for field, message in errors.items():
        form.add_error(field if field in form.fields else None, message)
