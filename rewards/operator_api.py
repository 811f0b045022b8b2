"""The operator API (django-ninja): one API object, one router per rewards app.

Mounted at ``/api/operator/v1/``; OpenAPI at ``/api/operator/v1/openapi.json``, docs at
``/api/operator/v1/docs``.
"""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Troika operator API",
    version="1",
    urls_namespace="operator_api",
    description="For the operator's billing system: billing events, discount quotes, the network outbox.",
)

# Each app adds its router here (billing: /events, discounts: /quotes, catalogue: /outbox,
# bundles: /bundles).

from rewards.discounts.api import router as quotes_router  # noqa: E402

api.add_router("/quotes", quotes_router)

from rewards.catalogue.api import router as outbox_router  # noqa: E402

api.add_router("/outbox", outbox_router)

from rewards.billing.api import router as events_router  # noqa: E402

api.add_router("/events", events_router)

from rewards.bundles.api import router as bundles_router  # noqa: E402

api.add_router("/bundles", bundles_router)
