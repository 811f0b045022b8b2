"""Admin screens of the discounts app (registered in ``rewards/wagtail_hooks.py``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.snippets.views.snippets import SnippetViewSet

from .forms import DiscountScheduleForm
from .models import DiscountSchedule


class DiscountScheduleViewSet(SnippetViewSet):
    model = DiscountSchedule
    icon = "tag"
    menu_label = _("Discount schedules")
    url_prefix = "rewards/discount-schedules"
    list_display = [
        "name",
        Column("customer_types_label", label=_("Customer types")),
        Column("stacking", label=_("Stacking"), accessor="get_stacking_display"),
        DateColumn("valid_from", label=_("Valid from")),
        DateColumn("valid_until", label=_("Valid until")),
    ]
    list_filter = ["stacking", "live"]
    search_fields = ["name"]
    ordering = ["name"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("customer_types"),
            MultiFieldPanel(
                [FieldPanel("stacking"), FieldPanel("cap_percent")], heading=_("Stacking"),
            ),
            FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_until")], heading=_("Validity")),
            InlinePanel("volume_brackets", heading=_("Volume brackets"), label=_("Volume bracket"),
                        panels=[FieldPanel("spend_from"), FieldPanel("percent")]),
            InlinePanel("tenure_bands", heading=_("Tenure bands"), label=_("Tenure band"),
                        panels=[FieldPanel("years_from"), FieldPanel("percent")]),
        ],
        base_form_class=DiscountScheduleForm,
    )
