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

    assert (first.components_created, first.templates_created) == (9, 7)
    assert (second.components_created, second.templates_created, second.components_marked,
            second.promises_added, second.members_with_addons) == (0, 0, 0, 0, 0)
    assert sorted(BundleTemplate.objects.values_list("pk", "latest_revision_id")) == sorted(revisions)
    assert BundleComponent.objects.count() == 9


def test_demo_bundles_returns_the_published_templates_by_code():
    bundles = demo_bundles()

    assert list(bundles) == [
        "control-seekers-budget-pack",
        "performance-data-max",
        "cost-cutters-basic",
        "devicers-care",
        "vip-all-in",
        "novices-starter",
        "everyday-flex",
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


def test_an_older_demo_gets_the_add_on_services_and_the_quality_promise_once():
    # given: the demo as loaded before the recommender (no add-on services, no promise)
    demo_bundles_load()
    BundleComponent.objects.update(addon_service="")
    data_max = BundleTemplate.objects.get(code="performance-data-max")
    data_max.quality_promise = ""
    data_max.save_revision().publish()

    again = demo_bundles_load()

    assert (again.components_marked, again.promises_added) == (5, 1)
    assert BundleComponent.objects.get(code="online-backup").addon_service == "online_backup"
    data_max.refresh_from_db()
    assert data_max.live and data_max.quality_promise.startswith("4G+ priority")
    assert (demo_bundles_load().components_marked, demo_bundles_load().promises_added) == (0, 0)


def test_demo_subscribers_get_add_on_services_once_and_the_counts_are_refreshed():
    from club.members.models import Member
    from rewards.bundles.models import BundleAddonStats
    from tests.factories import MemberFactory

    members = [MemberFactory(segment=segment) for segment in ("vip", "cost_cutters", "") * 20]
    kept = MemberFactory(attributes={"online_security": "Yes", "internet_service": "DSL"})

    first = demo_bundles_load()

    assert first.members_with_addons == len(members)
    attributes = Member.objects.get(pk=members[0].pk).attributes
    assert set(attributes) == {"internet_service", "online_security", "online_backup", "tech_support",
                               "device_protection", "streaming_tv", "streaming_movies"}
    assert Member.objects.get(pk=kept.pk).attributes == {"online_security": "Yes", "internet_service": "DSL"}
    stats = BundleAddonStats.objects.get()
    assert 0 < stats.customers <= len(members) + 1
    assert demo_bundles_load().members_with_addons == 0
    assert BundleAddonStats.objects.count() == 1
