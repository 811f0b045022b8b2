"""Writes of the bundles app: every mutation is a ``bundle_<...>(*, ...)`` function here;
``bundle_quote`` prices without writing."""

from .addon_stats import AddonStatsResult, bundle_addon_stats_refresh
from .order import bundle_order_place
from .outbox import bundle_outbox_acknowledge
from .quote import bundle_quote
from .recommendation import PricedRecommendation, bundle_recommendation_for_member
from .results import (
    BundleDiscount,
    BundleErrorCode,
    BundleOrderReceipt,
    BundleOrderResult,
    BundleOutboxRowState,
    BundleQuote,
    BundleReturnResult,
)
from .returns import bundle_order_return

__all__ = [
    "AddonStatsResult",
    "PricedRecommendation",
    "bundle_addon_stats_refresh",
    "bundle_recommendation_for_member",
    "BundleDiscount",
    "BundleErrorCode",
    "BundleOrderReceipt",
    "BundleOrderResult",
    "BundleOutboxRowState",
    "BundleQuote",
    "BundleReturnResult",
    "bundle_order_place",
    "bundle_order_return",
    "bundle_outbox_acknowledge",
    "bundle_quote",
]
