"""The partner portal's forms: they parse; the services validate and decide."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from club.members.models import Segment

from .models import BenefitKind
from .services.codes import MAX_CODES, MAX_UPLOAD_BYTES

SEGMENT_CHOICES = [(code, label) for code, label in Segment.choices if code]


class DateInput(forms.DateInput):
    input_type = "date"


class CoPromotionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    offer_text_en = forms.CharField(
        label=_("Offer text (English)"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )
    offer_text_vi = forms.CharField(
        label=_("Offer text (Vietnamese)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    offer_text_zh_hans = forms.CharField(
        label=_("Offer text (Simplified Chinese)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    offer_text_ru = forms.CharField(
        label=_("Offer text (Russian)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    benefit_kind = forms.ChoiceField(label=_("What the member gets"), choices=BenefitKind.choices)
    discount_percent = forms.DecimalField(
        label=_("Discount (%)"),
        required=False,
        max_digits=5,
        decimal_places=2,
        help_text=_("For a discount: a percentage or an amount."),
    )
    discount_amount = forms.DecimalField(label=_("Discount amount (VND)"), required=False, decimal_places=0)
    bonus_points = forms.IntegerField(
        label=_("Bonus points"),
        required=False,
        min_value=1,
        help_text=_("For bonus points: credited when you redeem the code."),
    )
    budget = forms.DecimalField(label=_("Budget (VND)"), decimal_places=0, min_value=1)
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput)
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput)
    suggested_segments = forms.MultipleChoiceField(
        label=_("Suggested segments"),
        choices=SEGMENT_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Who you think the offer suits; the operator chooses the audience."),
    )

    @classmethod
    def initial_from(cls, copromotion) -> dict:
        return {name: getattr(copromotion, name) for name in cls.base_fields}

    def apply_errors(self, error: ValidationError) -> None:
        for field, messages in error.message_dict.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


class CodesUploadForm(forms.Form):
    file = forms.FileField(label=_("File of codes"), help_text=_("A text file, UTF-8, one code per line."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is larger than 4 MB."))
        return upload


class CodesGenerateForm(forms.Form):
    count = forms.IntegerField(label=_("How many codes"), min_value=1, max_value=MAX_CODES)
