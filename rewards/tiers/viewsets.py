"""Admin screens of the tiers app (registered in ``rewards/wagtail_hooks.py``): the tier
snippets (drafts, revisions, publish/unpublish) and the read-only tier history."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.snippets import SnippetViewSet

from rewards.admin_policies import ViewOnlyPolicy

from .models import Tier, TierChange


class TierViewSet(SnippetViewSet):
    model = Tier
    icon = "order"
    menu_label = _("Tiers")
    url_prefix = "rewards/tiers"
    list_display = [
        "name",
        "code",
        "rank",
        Column("min_rolling_spend", label=_("Min. 12-month spend")),
        Column("min_tenure_years", label=_("Min. tenure (years)")),
        Column("points_multiplier", label=_("Points ×")),
        Column("discount_percent", label=_("Discount %")),
    ]
    list_filter = ["live"]
    search_fields = ["name", "code"]
    ordering = ["rank"]
    edit_handler = ObjectList([
        FieldRowPanel([FieldPanel("name"), FieldPanel("code"), FieldPanel("rank")]),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("min_rolling_spend"), FieldPanel("min_tenure_years")])],
            heading=_("Thresholds"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("discount_percent"), FieldPanel("points_multiplier")]),
                FieldRowPanel([FieldPanel("event_access"), FieldPanel("priority_support")]),
            ],
            heading=_("Benefits"),
        ),
    ])


register_permission_policy(TierChange, ViewOnlyPolicy(TierChange), exact_class=True)


class TierChangeFilterSet(WagtailFilterSet):
    member = django_filters.NumberFilter(field_name="member_id", label=_("Member id"))
    reason = django_filters.ChoiceFilter(choices=TierChange._meta.get_field("reason").choices)
    on_from = django_filters.DateFilter(field_name="on", lookup_expr="gte", label=_("From"))
    on_until = django_filters.DateFilter(field_name="on", lookup_expr="lte", label=_("Until"))

    class Meta:
        model = TierChange
        fields = []


class TierChangeViewSet(ModelViewSet):
    """The tier history, newest first; ``?member=<id>`` shows one member's."""

    model = TierChange
    icon = "history"
    menu_label = _("Tier history")
    url_prefix = "rewards/tier-history"
    copy_view_enabled = False
    exclude_form_fields = []  # no add or edit screen is reachable (ViewOnlyPolicy)
    filterset_class = TierChangeFilterSet
    list_display = [
        Column("member", label=_("Member")),
        Column("from_tier", label=_("From"), accessor=lambda change: change.from_tier or "—"),
        Column("to_tier", label=_("To")),
        Column("reason", label=_("Reason"), accessor="get_reason_display"),
        DateColumn("on", label=_("On")),
    ]
    ordering = ["-on", "-id"]
    list_per_page = 50

    def get_queryset(self, request):
        return TierChange.objects.select_related("member", "from_tier", "to_tier")
