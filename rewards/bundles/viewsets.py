"""Admin screens of the bundles app (registered in ``rewards/wagtail_hooks.py``): components
and templates (snippets), orders and the bundle outbox (view-only: they change through the
services)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.snippets import SnippetViewSet

from rewards.admin_policies import ReadOnlyViewSet, ViewOnlyPolicy

from .forms import BundleTemplateForm
from .models import BundleComponent, BundleOrder, BundleOutbox, BundleTemplate

for _model in (BundleOrder, BundleOutbox):
    register_permission_policy(_model, ViewOnlyPolicy(_model), exact_class=True)


class BundleComponentViewSet(SnippetViewSet):
    model = BundleComponent
    icon = "cogs"
    menu_label = _("Bundle components")
    url_prefix = "rewards/bundle-components"
    list_display = [
        "name",
        "code",
        Column("kind", label=_("Kind"), accessor="get_kind_display"),
        Column("unit_price_label", label=_("Unit price")),
        "unit_label",
        Column("addon_service", label=_("Add-on service"), accessor="get_addon_service_display"),
        "min_quantity",
        "max_quantity",
        "step",
        BooleanColumn("active", label=_("Active")),
    ]
    list_filter = ["kind", "active"]
    search_fields = ["name", "code"]
    ordering = ["kind", "name"]


class BundleTemplateViewSet(SnippetViewSet):
    model = BundleTemplate
    icon = "list-ul"
    menu_label = _("Bundle templates")
    url_prefix = "rewards/bundle-templates"
    list_display = [
        "name",
        Column("target_segments_label", label=_("Segments")),
        Column("plan_fit", label=_("Payment plan"), accessor="get_plan_fit_display"),
        Column("list_price", label=_("List price")),
        "validity_days",
        BooleanColumn("quality_promise", label=_("Quality promise")),
    ]
    list_filter = ["plan_fit", "live"]
    search_fields = ["name", "code"]
    ordering = ["name"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("name"), FieldPanel("code")]),
            FieldPanel("description"),
            FieldPanel("target_segments"),
            FieldPanel("quality_promise"),
            MultiFieldPanel(
                [FieldPanel("plan_fit"), FieldPanel("monthly_spending_cap")], heading=_("Payment plan")
            ),
            FieldRowPanel(
                [FieldPanel("validity_days"), FieldPanel("return_window_days")], heading=_("Terms")
            ),
            InlinePanel(
                "lines",
                heading=_("Lines"),
                label=_("Line"),
                min_num=1,
                panels=[FieldPanel("component"), FieldPanel("quantity")],
            ),
        ],
        base_form_class=BundleTemplateForm,
    )


class BundleOrderViewSet(ReadOnlyViewSet):
    model = BundleOrder
    icon = "tasks"
    name = "bundles_orders"
    menu_label = _("Bundle orders")
    url_prefix = "rewards/bundle-orders"
    list_display = [
        "template",
        "member",
        "total",
        Column("status", label=_("Status"), accessor="get_status_display"),
        Column("source", label=_("Source"), accessor="get_source_display"),
        DateColumn("placed_at", label=_("Placed")),
        DateColumn("return_until", label=_("Returnable until")),
    ]
    list_filter = {
        "status": ["exact"],
        "source": ["exact"],
        "template": ["exact"],
        "placed_at": ["date__gte", "date__lte"],
    }
    search_fields = ["member__msisdn", "member__account_number", "idempotency_key", "source_ref"]
    ordering = ["-placed_at", "-id"]


class BundleOutboxViewSet(ReadOnlyViewSet):
    model = BundleOutbox
    icon = "upload"
    name = "bundles_outbox"
    menu_label = _("Bundle outbox")
    url_prefix = "rewards/bundle-outbox"
    list_display = [
        "id",
        "order",
        Column("action", label=_("Action"), accessor="get_action_display"),
        "msisdn",
        Column("state", label=_("State"), accessor="get_state_display"),
        DateColumn("created_at", label=_("Created")),
        DateColumn("acknowledged_at", label=_("Acknowledged")),
    ]
    list_filter = ["state", "action"]
    search_fields = ["msisdn", "account_number"]
    ordering = ["-id"]


def bundles_viewsets() -> list:
    return [BundleComponentViewSet(), BundleTemplateViewSet(), BundleOrderViewSet(), BundleOutboxViewSet()]
