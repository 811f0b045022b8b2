"""Admin screens of the catalogue (registered in ``rewards/wagtail_hooks.py``): rewards
(snippets with drafts and revisions), voucher codes, redemptions, fulfilment, the network
outbox. Lists of records are view-only; they change through the action screens, which call
the services."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import IndexView
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView
from wagtail.snippets.views.snippets import SnippetViewSet

from rewards.admin_policies import ReadOnlyViewSet, ViewOnlyPolicy

from . import admin_views
from .models import (
    CODE_KINDS,
    Fulfilment,
    FulfilmentState,
    NetworkOutbox,
    OutboxState,
    Redemption,
    Reward,
    RewardStock,
    VoucherCode,
)

for _model in (VoucherCode, Redemption, Fulfilment, NetworkOutbox):
    register_permission_policy(_model, ViewOnlyPolicy(_model), exact_class=True)


def _action(label: str, url: str, icon: str = "arrow-right") -> MenuItem:
    return MenuItem(label, url=url, icon_name=icon, priority=5)


class RewardIndexView(SnippetIndexView):
    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        buttons.append(_action(_("Stock"), self._url("catalogue_reward_stock", instance), "list-ol"))
        if instance.kind in CODE_KINDS:
            buttons.append(_action(_("Add codes"), self._url("catalogue_reward_codes", instance), "key"))
        return buttons

    @staticmethod
    def _url(name: str, instance) -> str:
        from django.urls import reverse

        return reverse(name, args=[instance.pk])


class RewardViewSet(SnippetViewSet):
    model = Reward
    icon = "gift"
    menu_label = _("Rewards catalogue")
    url_prefix = "rewards/catalogue"
    index_view_class = RewardIndexView
    list_display = [
        "name",
        Column("kind", label=_("Kind"), accessor="get_kind_display"),
        "points_cost",
        Column("stock", label=_("Stock left"), accessor=lambda obj: _stock_label(obj)),
        DateColumn("valid_until", label=_("Valid until")),
    ]
    list_filter = ["kind", "live"]
    search_fields = ["name"]
    ordering = ["points_cost", "name"]


def _stock_label(reward) -> str:
    try:
        return str(reward.stock.remaining)
    except RewardStock.DoesNotExist:
        return "∞"


class VoucherCodeViewSet(ReadOnlyViewSet):
    model = VoucherCode
    icon = "key"
    name = "catalogue_voucher_codes"
    menu_label = _("Voucher codes")
    url_prefix = "rewards/voucher-codes"
    list_display = [
        "code",
        "reward",
        Column("state", label=_("State"), accessor="get_state_display"),
        "redemption",
        DateColumn("created_at", label=_("Added")),
    ]
    list_filter = ["reward", "state"]
    search_fields = ["code"]
    ordering = ["reward", "id"]


class _ActionIndexView(IndexView):
    action_url_name = ""
    action_label = ""
    action_when: tuple = ()

    def get_list_more_buttons(self, instance):
        from django.urls import reverse

        buttons = list(super().get_list_more_buttons(instance))
        if getattr(instance, "state", None) in self.action_when:
            buttons.append(_action(self.action_label, reverse(self.action_url_name, args=[instance.pk])))
        return buttons


class RedemptionIndexView(_ActionIndexView):
    action_url_name, action_label, action_when = "catalogue_redemption_cancel", _("Cancel…"), ("confirmed",)


class RedemptionViewSet(ReadOnlyViewSet):
    model = Redemption
    icon = "tasks"
    name = "catalogue_redemptions"
    menu_label = _("Redemptions")
    url_prefix = "rewards/redemptions"
    index_view_class = RedemptionIndexView
    list_display = [
        "reward",
        "member",
        "points",
        Column("state", label=_("State"), accessor="get_state_display"),
        "voucher_code",
        DateColumn("created_at", label=_("Redeemed")),
        DateColumn("cancel_deadline", label=_("Cancellable until")),
    ]
    list_filter = {"state": ["exact"], "reward": ["exact"], "created_at": ["date__gte", "date__lte"]}
    search_fields = ["member__msisdn", "member__account_number", "voucher_code", "idempotency_key"]
    ordering = ["-created_at", "-id"]


class FulfilmentIndexView(_ActionIndexView):
    action_url_name, action_label, action_when = (
        "catalogue_fulfilment_ship",
        _("Mark shipped…"),
        (FulfilmentState.TO_SHIP,),
    )


class FulfilmentViewSet(ReadOnlyViewSet):
    model = Fulfilment
    icon = "mail"
    name = "catalogue_fulfilments"
    menu_label = _("Merchandise to ship")
    url_prefix = "rewards/fulfilment"
    index_view_class = FulfilmentIndexView
    list_display = [
        "redemption",
        Column("state", label=_("State"), accessor="get_state_display"),
        Column(
            "address",
            label=_("Address"),
            accessor=lambda obj: ", ".join(v for v in obj.address.values() if v),
        ),
        "tracking",
        DateColumn("created_at", label=_("Ordered")),
        DateColumn("shipped_at", label=_("Shipped")),
    ]
    list_filter = ["state"]
    ordering = ["created_at", "id"]


class OutboxIndexView(_ActionIndexView):
    action_url_name, action_label, action_when = (
        "catalogue_outbox_requeue",
        _("Requeue…"),
        (OutboxState.FAILED,),
    )


class OutboxViewSet(ReadOnlyViewSet):
    model = NetworkOutbox
    icon = "upload"
    name = "catalogue_outbox"
    menu_label = _("Network outbox")
    url_prefix = "rewards/outbox"
    index_view_class = OutboxIndexView
    list_display = [
        "id",
        Column("kind", label=_("Kind"), accessor="get_kind_display"),
        "msisdn",
        "quantity",
        "unit",
        Column("state", label=_("State"), accessor="get_state_display"),
        "attempts",
        "last_error",
        DateColumn("created_at", label=_("Created")),
        DateColumn("acknowledged_at", label=_("Acknowledged")),
    ]
    list_filter = ["state", "kind"]
    search_fields = ["msisdn", "account_number"]
    ordering = ["-id"]


def catalogue_admin_urls() -> list:
    """The action screens, registered with the ``register_admin_urls`` hook."""
    return [
        path(
            "rewards/catalogue-actions/reward/<int:pk>/stock/",
            admin_views.StockView.as_view(),
            name="catalogue_reward_stock",
        ),
        path(
            "rewards/catalogue-actions/reward/<int:pk>/codes/",
            admin_views.VoucherCodesView.as_view(),
            name="catalogue_reward_codes",
        ),
        path(
            "rewards/catalogue-actions/redemption/<int:pk>/cancel/",
            admin_views.RedemptionCancelView.as_view(),
            name="catalogue_redemption_cancel",
        ),
        path(
            "rewards/catalogue-actions/fulfilment/<int:pk>/ship/",
            admin_views.FulfilmentShipView.as_view(),
            name="catalogue_fulfilment_ship",
        ),
        path(
            "rewards/catalogue-actions/outbox/<int:pk>/requeue/",
            admin_views.OutboxRequeueView.as_view(),
            name="catalogue_outbox_requeue",
        ),
    ]


def catalogue_viewsets() -> list:
    return [RewardViewSet(), VoucherCodeViewSet(), RedemptionViewSet(), FulfilmentViewSet(), OutboxViewSet()]
