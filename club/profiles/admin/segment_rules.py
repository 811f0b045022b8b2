"""Members > Segment rules: the rule set's editor (a snippet with drafts and revisions, so its
history shows who changed which threshold) and, on the edit form, the live count: an htmx
partial that re-counts the members of each segment with the thresholds as typed, not saved."""

from __future__ import annotations

import time

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList, Panel
from wagtail.snippets.views.snippets import SnippetViewSet

from ..models import SegmentRuleSet
from ..segments.selectors import segment_live_count
from ..segments.services import segment_rules_ensure

EDIT_PERMISSION = "profiles.change_segmentruleset"


class LiveCountPanel(Panel):
    """The live count's placeholder: htmx posts the form to ``segment_rules_live_count`` when
    the page opens and whenever a field changes, and swaps the figures in."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "profiles/segments/live_count_panel.html"

        class Media:
            js = ["js/htmx.min.js"]

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["count_url"] = reverse("segment_rules_live_count")
            return context


def _rows(*names):
    return FieldRowPanel([FieldPanel(name) for name in names])


SEGMENT_RULE_PANELS = [
    LiveCountPanel(heading=_("Members per segment with these thresholds")),
    MultiFieldPanel([_rows("vip_min_spend_12m", "vip_business_min_spend_12m")], heading=_("1. VIP")),
    MultiFieldPanel([_rows("performance_min_data_mb_per_month", "performance_min_growth_percent")],
                    heading=_("2. Performance Seekers")),
    MultiFieldPanel([_rows("devicer_addon_attributes", "devicer_plan_keywords")], heading=_("3. Devicers")),
    MultiFieldPanel([FieldPanel("novice_max_tenure_months"),
                     _rows("novice_min_support_contacts_90d", "novice_max_data_mb_per_month")],
                    heading=_("4. Curious Novices")),
    MultiFieldPanel([_rows("control_max_days_between_top_ups", "control_max_average_top_up")],
                    heading=_("5. Control Seekers"),
                    help_text=_("Prepaid lines only, with at least two top-ups in the last 3 months.")),
    MultiFieldPanel([_rows("cost_max_spend_3m", "cost_max_data_mb_per_month")], heading=_("6. Cost Cutters")),
    MultiFieldPanel([_rows("large_min_spend_12m", "large_includes_business"),
                     FieldPanel("arrears_min_episodes_12m")],
                    heading=_("Customer classes (large, often in arrears, lost to a competitor)"),
                    help_text=_("“Lost to a competitor”: a churned line whose churn reason is a port-out.")),
]
THRESHOLD_FIELDS = [
    field.name for field in SegmentRuleSet._meta.get_fields()
    if getattr(field, "editable", False) and not field.auto_created
    and field.name not in {"singleton", "live", "has_unpublished_changes", "first_published_at",
                           "last_published_at", "go_live_at", "expire_at", "latest_revision",
                           "live_revision", "updated_at"}
]


class SegmentThresholdsForm(forms.ModelForm):
    """The thresholds alone, to count with before they are saved."""

    class Meta:
        model = SegmentRuleSet
        fields = THRESHOLD_FIELDS


class SegmentRulesEntryView(View):
    """The rule set has one row: its menu entry opens that row's editor (made on first use)."""

    def get(self, request):
        if not request.user.has_perm(EDIT_PERMISSION):
            raise PermissionDenied
        return redirect("segment_rules:edit", segment_rules_ensure().pk)


class SegmentLiveCountView(View):
    def post(self, request):
        if not request.user.has_perm(EDIT_PERMISSION):
            raise PermissionDenied
        form = SegmentThresholdsForm(request.POST)
        context = {"form": form, "counts": None}
        if form.is_valid():
            started = time.perf_counter()
            context["counts"] = segment_live_count(rules=form.save(commit=False))
            context["took_ms"] = round((time.perf_counter() - started) * 1000)
        return TemplateResponse(request, "profiles/segments/_live_count.html", context)


class SegmentRulesViewSet(SnippetViewSet):
    model = SegmentRuleSet
    admin_url_namespace = "segment_rules"
    icon = "list-ol"
    menu_label = _("Segment rules")
    url_prefix = "profiles/segment-rules"
    add_to_admin_menu = False
    copy_view_enabled = False
    edit_handler = ObjectList(SEGMENT_RULE_PANELS)

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(delete_url_name=None, **kwargs)

    def get_urlpatterns(self):
        dropped = {"list", "list_results", "add", "delete"}
        return [path("", SegmentRulesEntryView.as_view(), name="list"),
                *(pattern for pattern in super().get_urlpatterns() if pattern.name not in dropped)]


def live_count_urls():
    return [path("profiles/segment-rules-count/", SegmentLiveCountView.as_view(),
                 name="segment_rules_live_count")]
