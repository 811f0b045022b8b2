"""The demo's components and templates: one or more per segment, published, idempotent."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cms.demo.financial_bundles import CONTROL_SEEKERS_BUDGET_PACK, demo_bundles, demo_bundles_load
from rewards.bundles.models import BundleComponent, BundleTemplate

pytestmark = pytest.mark.django_db


def test_the_demo_bundles_load_once():
    first = demo_bundles_load()
    revisions = BundleTemplate.objects.values_list("pk", "latest_revision_id")

    second = demo_bundles_load()

    assert (first.components_created, first.templates_created) == (6, 6)
    assert (second.components_created, second.templates_created) == (0, 0)
    assert sorted(BundleTemplate.objects.values_list("pk", "latest_revision_id")) == sorted(revisions)
    assert BundleComponent.objects.count() == 6


def test_demo_bundles_returns_the_published_templates_by_code():
    bundles = demo_bundles()

    assert list(bundles) == [
        "control-seekers-budget-pack",
        "performance-data-max",
        "cost-cutters-basic",
        "devicers-care",
        "vip-all-in",
        "novices-starter",
    ]
    assert all(template.live for template in bundles.values())
    budget = bundles[CONTROL_SEEKERS_BUDGET_PACK]
    assert (budget.plan_fit, budget.monthly_spending_cap, budget.target_segments) == (
        "prepaid",
        Decimal(150_000),
        ["control_seekers"],
    )
    assert budget.list_price == Decimal(65_000)  # 2 GB × 10,000 + 60 min × 500 + 50 SMS × 300
    assert bundles["performance-data-max"].target_segments == ["performance_seekers"]
    assert bundles["cost-cutters-basic"].list_price == Decimal(34_000)
    covered = {segment for t in bundles.values() for segment in t.target_segments}
    assert covered == {
        "performance_seekers",
        "devicers",
        "vip",
        "cost_cutters",
        "curious_novices",
        "control_seekers",
    }
