"""The "Rewards" admin menu: one group for every screen of the financial tier.

Each rewards app defines its viewsets in its own ``viewsets.py`` (no registration there);
this module is the one place that registers them, in menu order.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.contrib.settings.registry import register_setting

from rewards.billing.viewsets import BillingEventViewSet, QuarantinedEventViewSet
from rewards.bundles.models import BundleRecommenderSettings
from rewards.bundles.viewsets import bundles_viewsets
from rewards.catalogue.viewsets import catalogue_viewsets
from rewards.discounts.viewsets import DiscountScheduleViewSet
from rewards.earning.viewsets import EarningRuleViewSet
from rewards.tiers.viewsets import TierChangeViewSet, TierViewSet

REWARDS_MENU_ORDER = 120  # just below Members (110)

# Settings → Bundle recommender: headroom over usage, extra data for Performance Seekers...
register_setting(BundleRecommenderSettings, icon="cogs")


def _rewards_viewsets() -> list:
    """The viewsets of the Rewards group, in menu order: what marketers define first (rules,
    tiers, discounts, the catalogue), then what happens (redemptions...), then the feed."""
    return [
        EarningRuleViewSet(),
        TierViewSet(),
        TierChangeViewSet(),
        DiscountScheduleViewSet(),
        *catalogue_viewsets(),
        *bundles_viewsets(),
        BillingEventViewSet(),
        QuarantinedEventViewSet(),
    ]


class RewardsGroup(ViewSetGroup):
    menu_label = _("Rewards")
    menu_icon = "pick"
    menu_order = REWARDS_MENU_ORDER
    items = ()

    def __init__(self):
        self.items = tuple(_rewards_viewsets())
        super().__init__()


@hooks.register("register_admin_viewset")
def register_rewards_group():
    return RewardsGroup()
