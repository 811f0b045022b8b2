"""The admin form of a bundle template: segments as checkboxes, the lines checked together."""

from __future__ import annotations

from django import forms
from django.forms.formsets import ORDERING_FIELD_NAME
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .choices import SEGMENT_CHOICES
from .models import BundleComponent
from .pricing import TemplateLine
from .validation import template_lines_problems

LINES = "lines"


def _kept_rows(formset) -> list[forms.Form]:
    """The rows kept (not deleted, not blank extras) in the order the editor arranged them."""
    kept = []
    for position, form in enumerate(formset.forms):
        if formset.can_delete and formset._should_delete_form(form):
            continue
        if position >= formset.initial_form_count() and not form.has_changed():
            continue
        order = getattr(form, "cleaned_data", {}).get(ORDERING_FIELD_NAME)
        kept.append((order if order is not None else position, position, form))
    kept.sort(key=lambda item: (item[0], item[1]))
    return [form for _order, _position, form in kept]


class BundleTemplateForm(WagtailAdminModelForm):
    target_segments = forms.MultipleChoiceField(
        label=_("Target segments"),
        choices=SEGMENT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The member segments this bundle is for. None ticked: every member."),
    )

    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get(LINES) if hasattr(self, "formsets") else None
        if formset is None:
            return cleaned
        formset.is_valid()  # clean the rows now, so they can be checked together
        rows = [
            (form, form.cleaned_data["component"], form.cleaned_data["quantity"])
            for form in _kept_rows(formset)
            if form.cleaned_data.get("component") is not None
            and form.cleaned_data.get("quantity") is not None
        ]
        active = set(
            BundleComponent.objects.filter(
                pk__in=[component.pk for _form, component, _q in rows], active=True
            ).values_list("code", flat=True)
        )
        problems = template_lines_problems(
            lines=[TemplateLine(component.terms(), quantity) for _form, component, quantity in rows],
            active_codes=active,
        )
        for index, message in problems:
            if index < 0:
                self.add_error(None, message)
                continue
            rows[index][0].add_error("quantity", message)
            self.add_error(
                None, _("Line %(number)s: %(message)s") % {"number": index + 1, "message": message}
            )
        return cleaned
