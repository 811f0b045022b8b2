"""The campaign editor's form: the model's own checks plus the messages as a whole."""

from __future__ import annotations

from wagtail.admin.forms import WagtailAdminModelForm

from .validation import messages_errors


class CampaignForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        messages = self.formsets.get("messages")
        if messages is None or not all(form.is_valid() for form in messages.forms):
            return cleaned
        kept = [form.cleaned_data for form in messages.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        for error in messages_errors(
            languages=[data["language"] for data in kept],
            sms_texts=[data.get("sms_text", "") for data in kept],
            sends_sms=bool(cleaned.get("send_sms")),
        ):
            self.add_error(None, error)
        return cleaned
