"""What every audience condition is: a StructBlock that knows how to become SQL.

A condition kind is one ``ConditionBlock`` subclass. Besides its form fields it answers three
questions, so that the compiler, the live count and the admin need nothing kind-specific:

- ``member_filter(value, on=...)``: a ``Q`` over ``Member`` built only from columns,
  ``Exists`` and subqueries (no join that multiplies rows, no query run while building it),
  that is true or false for every member, never NULL, so that "exclude" can negate it exactly;
- ``value_errors(value)``: what is wrong with the values (``{field: message}``, pure; the
  field ``""`` for a message about the whole condition);
- ``describe(value)``: one line a marketer reads, e.g. "Tier is Gold or Silver".
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import blocks
from wagtail.blocks.struct_block import BlockGroup, StructBlockValidationError

from ..validation import MAX_LOOKBACK_DAYS, choice_errors, days_errors, range_errors

EVERY_MEMBER = Q(pk__isnull=False)


class ConditionBlock(blocks.StructBlock):
    exclude = blocks.BooleanBlock(required=False, label=gettext_lazy("Exclude members who match"))

    def get_form_layout(self) -> BlockGroup:
        """The exclude flag comes last in the form: "...; exclude members who match"."""
        if self.meta.form_layout is None:
            return BlockGroup([*(name for name in self.child_blocks if name != "exclude"), "exclude"])
        return super().get_form_layout()

    def member_filter(self, value, *, on: dt.date) -> Q:
        raise NotImplementedError

    def value_errors(self, value) -> dict[str, str]:
        return {}

    def describe(self, value) -> str:
        raise NotImplementedError

    def clean(self, value):
        value = super().clean(value)
        errors = self.value_errors(value)
        if errors:
            raise StructBlockValidationError(
                block_errors={name: ValidationError(message) for name, message in errors.items() if name},
                non_block_errors=[ValidationError(message) for name, message in errors.items() if not name],
            )
        return value

    def labels(self, name: str, chosen) -> str:
        """The labels of the options ``chosen`` in the choice field ``name``, joined by "or"."""
        known = {str(key): str(label) for key, label in self.child_blocks[name].field.choices}
        return _(" or ").join(known.get(str(key), str(key)) for key in chosen)


def condition_filter(block: ConditionBlock, value, *, on: dt.date) -> Q:
    """The members one condition selects, its "exclude" flag applied."""
    matched = block.member_filter(value, on=on) or EVERY_MEMBER  # never an empty Q: ~Q() is Q()
    return ~matched if value.get("exclude") else matched


def condition_text(block: ConditionBlock, value) -> str:
    text = block.describe(value)
    return _("Not: %(condition)s") % {"condition": text} if value.get("exclude") else text


class LiveChoicesBlock(blocks.MultipleChoiceBlock):
    """Tick boxes whose options are read when the form is shown (tiers, interests, regions),
    so they are never frozen into migrations. Stored values are text; reading a stored
    value runs no query (the base block would look every value up in the options)."""

    def __init__(self, choices, **kwargs):
        super().__init__(choices=choices, widget=forms.CheckboxSelectMultiple, **kwargs)

    def to_python(self, value):
        return [str(item) for item in value or []]

    def normalize(self, value):
        return self.to_python(value)


def tick_boxes(choices, **kwargs) -> blocks.MultipleChoiceBlock:
    """A fixed multiple choice shown as tick boxes."""
    return blocks.MultipleChoiceBlock(choices=choices, widget=forms.CheckboxSelectMultiple, **kwargs)


def as_ints(values) -> list[int]:
    return [int(item) for item in values or []]


def _number_text(value) -> str:
    return f"{value:,}"


class RangeCondition(ConditionBlock):
    """A "from ... to ..." condition: subclasses declare the two number blocks, name them in
    ``low_field`` and ``high_field``, and give ``text`` (with ``%(range)s``)."""

    low_field = "minimum"
    high_field = "maximum"
    text = "%(range)s"

    def bounds(self, value) -> tuple:
        return value[self.low_field], value[self.high_field]

    def value_errors(self, value):
        low, high = self.bounds(value)
        return range_errors(low, high, low_field=self.low_field, high_field=self.high_field)

    def describe(self, value):
        low, high = self.bounds(value)
        if low is not None and high is not None:
            band = _("%(low)s to %(high)s") % {"low": _number_text(low), "high": _number_text(high)}
        elif low is not None:
            band = _("at least %(low)s") % {"low": _number_text(low)}
        else:
            band = _("at most %(high)s") % {"high": _number_text(high)}
        return str(self.text) % {"range": band}


class DaysCondition(ConditionBlock):
    """A condition over a number of days (its block is named ``days``), between ``min_days``
    and ``max_days``; ``text`` has ``%(days)s``."""

    min_days = 1
    max_days = MAX_LOOKBACK_DAYS
    text = "%(days)s"

    def value_errors(self, value):
        return days_errors(value["days"], field="days", minimum=self.min_days, maximum=self.max_days)

    def describe(self, value):
        return str(self.text) % {"days": value["days"]}


class ChoiceCondition(ConditionBlock):
    """Options ticked in the block ``choice_field``; by default the member's column
    ``member_field`` is one of them. ``text`` has ``%(chosen)s``."""

    choice_field = ""
    member_field = ""
    text = "%(chosen)s"

    def member_filter(self, value, *, on):
        return Q(**{f"{self.member_field}__in": value[self.choice_field]})

    def value_errors(self, value):
        return choice_errors(value[self.choice_field], field=self.choice_field)

    def describe(self, value):
        return str(self.text) % {"chosen": self.labels(self.choice_field, value[self.choice_field])}
