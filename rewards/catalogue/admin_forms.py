"""Forms of the catalogue's admin actions: they parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .services.vouchers import CODE_MAX_LENGTH, MAX_GENERATED

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class VoucherCodesForm(forms.Form):
    """Either a file of codes (one per line) or a number of codes to generate."""

    codes_file = forms.FileField(
        label=_("File of codes"),
        required=False,
        help_text=_("Plain text or CSV, one code per line (the first column is used)."),
    )
    generate = forms.IntegerField(
        label=_("Or generate this many codes"), required=False, min_value=1, max_value=MAX_GENERATED
    )
    prefix = forms.CharField(
        label=_("Prefix of generated codes"), required=False, max_length=CODE_MAX_LENGTH - 6
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("codes_file")) == bool(data.get("generate")):
            raise forms.ValidationError(
                _("Upload a file or give a number of codes to generate (one of them).")
            )
        upload = data.get("codes_file")
        if upload:
            if upload.size > MAX_UPLOAD_BYTES:
                raise forms.ValidationError(_("The file is larger than 5 MB."))
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(_("The file is not UTF-8 text.")) from None
            data["lines"] = [line.split(",")[0].strip().strip('"') for line in text.splitlines()]
        return data


class StockForm(forms.Form):
    delta = forms.IntegerField(
        label=_("Add to stock"),
        help_text=_("Negative to remove. A reward without stock becomes limited."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), min_length=3, max_length=255)


class ShipForm(forms.Form):
    tracking = forms.CharField(label=_("Tracking number"), required=False, max_length=80)
