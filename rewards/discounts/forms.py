"""The admin form of a discount schedule: shows ``validation.schedule_problems`` where they are."""

from __future__ import annotations

from django import forms
from django.forms.formsets import ORDERING_FIELD_NAME
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .choices import CUSTOMER_TYPE_CHOICES
from .validation import TENURE, VOLUME, Row, schedule_problems


def _rows_in_display_order(formset, threshold_field: str) -> list[tuple[forms.Form, Row]]:
    """The kept rows (not deleted, not blank extras) in the order the editor arranged them."""
    kept = []
    for position, form in enumerate(formset.forms):
        if formset.can_delete and formset._should_delete_form(form):
            continue
        if position >= formset.initial_form_count() and not form.has_changed():
            continue
        data = getattr(form, "cleaned_data", {})
        order = data.get(ORDERING_FIELD_NAME)
        kept.append((order if order is not None else position, position, form,
                     Row(data.get(threshold_field), data.get("percent"))))
    kept.sort(key=lambda item: (item[0], item[1]))
    return [(form, row) for _order, _position, form, row in kept]


class DiscountScheduleForm(WagtailAdminModelForm):
    customer_types = forms.MultipleChoiceField(
        label=_("Customer types"), choices=CUSTOMER_TYPE_CHOICES,
        widget=forms.CheckboxSelectMultiple, required=False,
        help_text=_("“All customer types”, or some of them. A schedule naming a customer type "
                    "beats one for all."),
    )

    def clean(self):
        cleaned = super().clean()
        formsets = {name: self.formsets[name] for name in (VOLUME, TENURE) if name in self.formsets}
        for formset in formsets.values():
            formset.is_valid()  # clean the rows now, so their values can be checked together
        rows = {
            VOLUME: _rows_in_display_order(formsets[VOLUME], "spend_from") if VOLUME in formsets else [],
            TENURE: _rows_in_display_order(formsets[TENURE], "years_from") if TENURE in formsets else [],
        }
        problems = schedule_problems(
            customer_types=cleaned.get("customer_types") or [],
            stacking=cleaned.get("stacking"),
            cap_percent=cleaned.get("cap_percent"),
            valid_from=cleaned.get("valid_from"),
            valid_until=cleaned.get("valid_until"),
            volume_brackets=[row for _form, row in rows[VOLUME]],
            tenure_bands=[row for _form, row in rows[TENURE]],
        )
        for problem in problems:
            if problem.section is None:
                self.add_error(problem.field if problem.field in self.fields else None, problem.message)
                continue
            form = rows[problem.section][problem.index][0]
            form.add_error(problem.field, problem.message)
            # Also at the top of the form: inline rows' errors are easy to miss in a long list.
            self.add_error(None, f"{formsets[problem.section].model._meta.verbose_name.capitalize()} "
                                 f"{problem.index + 1}: {problem.message}")
        return cleaned
