from ..choices import ComponentKind, OrderSource, OrderStatus, OutboxAction, OutboxState, PlanFit
from .component import BundleComponent
from .order import BundleOrder
from .outbox import BundleOutbox
from .recommender import BundleAddonStats, BundleRecommenderSettings
from .template import DEFAULT_RETURN_WINDOW_DAYS, BundleTemplate, BundleTemplateLine

__all__ = [
    "DEFAULT_RETURN_WINDOW_DAYS",
    "BundleAddonStats",
    "BundleComponent",
    "BundleOrder",
    "BundleOutbox",
    "BundleRecommenderSettings",
    "BundleTemplate",
    "BundleTemplateLine",
    "ComponentKind",
    "OrderSource",
    "OrderStatus",
    "OutboxAction",
    "OutboxState",
    "PlanFit",
]
