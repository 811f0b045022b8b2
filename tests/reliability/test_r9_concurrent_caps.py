"""r9: 8 concurrent workers x 6 campaigns x 2,000 members over five days, through chunks, the
single-member path and portal impressions, with about 5% of emails and SMS failing: no member
goes over any cap in any window, and failed sends free their slot (later sends reuse it)."""

from __future__ import annotations

import pytest

from tests.reliability import contact_load as load_module
from tests.reliability.contact_load import gate_settings  # noqa: F401 - a fixture

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.mark.usefixtures("gate_settings")
def test_r9_concurrent_workers_never_exceed_a_cap_and_failures_free_their_slot():
    load = load_module.setup_load(members=2000, cohort=400)
    figures = load_module.run_load(load)
    over = load_module.violations(load)
    reused = load_module.freed_slots_reused()
    failed_share = load_module.failed_share()
    print(
        f"\nr9: {load_module.WORKERS} workers x {len(load.campaigns)} campaigns x {len(load.member_ids)} "
        f"members x {load_module.DAYS} days: {figures.tasks} tasks, {figures.reserved} deliveries, "
        f"{figures.sent} sent, {figures.failed} failed ({100 * failed_share:.1f}% of emails and SMS), "
        f"{figures.impressions} impressions ({figures.impressions_refused} refused), "
        f"gate refusals {load_module.gate_refusals()}, members over a cap {sum(over.values())}, "
        f"freed SMS slots reused by {reused} members, errors {len(figures.errors)}, {figures.seconds:.1f} s"
    )
    assert figures.errors == []
    assert over == dict.fromkeys(over, 0)
    assert 0.045 < failed_share < 0.055
    assert reused > 0
    assert figures.impressions > 0 and load_module.gate_refusals() > 0
