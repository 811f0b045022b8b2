"""Filters of the admin member list. Each narrows on a column the list can afford to filter on
at millions of rows: indexed columns or short enums, exact values, no free-text scans."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.widgets import BooleanRadioSelect

from .models import CustomerType, Member, MemberStatus, PaymentPlan, Segment, TariffKind

# ``Segment.NONE`` is stored as "", which a form reads as "no filter": the list asks for it by name.
UNCLASSIFIED = "unclassified"
SEGMENT_FILTER_CHOICES = [
    (value or UNCLASSIFIED, label) for value, label in Segment.choices
]


def _choice_filter(label, choices, **kwargs) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        label=label, choices=choices, empty_label=_("All"), widget=forms.RadioSelect, **kwargs
    )


class MemberFilterSet(WagtailFilterSet):
    customer_type = _choice_filter(_("Customer type"), CustomerType.choices)
    status = _choice_filter(_("Status"), MemberStatus.choices)
    payment_plan = _choice_filter(_("Payment plan"), PaymentPlan.choices)
    tariff_kind = _choice_filter(_("Tariff"), TariffKind.choices)
    segment = _choice_filter(_("Segment"), SEGMENT_FILTER_CHOICES, method="filter_segment")
    region = django_filters.CharFilter(
        label=_("Region"), lookup_expr="exact", help_text=_("The region's exact name.")
    )
    linked = django_filters.BooleanFilter(
        label=_("Linked portal account"), method="filter_linked", widget=BooleanRadioSelect
    )
    activation_date = django_filters.DateFromToRangeFilter(
        label=_("Activation date"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Member
        fields = [
            "customer_type", "status", "payment_plan", "tariff_kind", "segment", "region",
            "linked", "activation_date",
        ]

    def filter_segment(self, queryset, name, value):
        return queryset.filter(segment="" if value == UNCLASSIFIED else value)

    def filter_linked(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(user__isnull=not value)
