"""The staff form for a member's operator fields (what the billing system knows)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from ..models import MemberStatus
from ..phone import InvalidPhoneNumber, phone_to_e164

# Room for the separators people type ("+84 (0) 912-345-678"); the stored value is E.164.
MSISDN_INPUT_MAX_LENGTH = 32


class MemberAdminForm(WagtailAdminModelForm):
    msisdn = forms.CharField(
        label=_("MSISDN"),
        max_length=MSISDN_INPUT_MAX_LENGTH,
        help_text=_("The line's number, national (0912 345 678) or international (+84912345678)."),
    )

    def clean_msisdn(self) -> str:
        raw = self.cleaned_data["msisdn"]
        try:
            return phone_to_e164(raw)
        except InvalidPhoneNumber as exc:
            raise ValidationError(
                _("“%(value)s” is not a valid phone number: %(reason)s."),
                code="invalid_msisdn",
                params={"value": raw, "reason": str(exc)},
            ) from exc

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        churn_reason = cleaned.get("churn_reason")
        if churn_reason and status and status != MemberStatus.CHURNED:
            self.add_error(
                "churn_reason", _("A churn reason can only be given when the status is Churned.")
            )
        return cleaned
