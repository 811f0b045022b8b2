"""The registry of scenarios: name -> module with ``DEFAULT_SIZE`` and ``run(*, size)``.

Scenario modules import Django code inside ``run`` only: the registry is read before
``django.setup()``. Add a scenario with the feature it measures, one module each.
"""

from types import ModuleType

from . import (
    accrual,
    capcheck,
    dashboard,
    fanout,
    import_subscribers,
    partner_api,
    profiles,
    redemption,
    webhooks,
)

SCENARIOS: dict[str, ModuleType] = {
    import_subscribers.NAME: import_subscribers,
    accrual.NAME: accrual,
    redemption.NAME: redemption,
    fanout.NAME: fanout,
    capcheck.NAME: capcheck,
    dashboard.NAME: dashboard,
    webhooks.NAME: webhooks,
    profiles.NAME: profiles,
    partner_api.NAME: partner_api,
}
