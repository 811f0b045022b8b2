"""Forms of the member portal. They parse and validate input; services do the work."""

from django import forms
from django.utils.translation import gettext_lazy as _

from club.members.phone import InvalidPhoneNumber, phone_to_e164


class LinkCodeRequestForm(forms.Form):
    msisdn = forms.CharField(
        label=_("Your mobile number"),
        max_length=32,
        help_text=_("The number of the line you want to link, e.g. 0912 345 678."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )

    def clean_msisdn(self) -> str:
        try:
            return phone_to_e164(self.cleaned_data["msisdn"])
        except InvalidPhoneNumber as exc:
            raise forms.ValidationError(_("Enter a valid mobile number."), code="invalid") from exc


class LinkCodeVerifyForm(forms.Form):
    code = forms.RegexField(
        label=_("Code from the SMS"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        help_text=_("Six digits."),
        error_messages={"invalid": _("The code has six digits.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": r"\s*\d{6}\s*"}
        ),
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip()


class LinkByAccountForm(forms.Form):
    account_number = forms.CharField(
        label=_("Account number"),
        max_length=32,
        help_text=_("As printed at the top of your bill."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    billing_detail = forms.CharField(
        label=_("Billing detail"),
        max_length=64,
        help_text=_("The total charges on your latest bill."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "decimal"}),
    )
