"""The Tiers and Tier history screens of the Rewards admin menu."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from rewards.tiers.models import Tier, TierChange
from rewards.tiers.services import tier_evaluate_members
from tests.factories import MemberFactory, TierFactory
from tests.integration.members.factories_admin import staff_with_mfa
from tests.mfa_login import login_with_mfa

pytestmark = pytest.mark.django_db

# Resolved at import, before the test database is created: loading the admin URLs registers
# the snippet viewsets, so that migrate creates the snippets' publish and lock permissions.
NAMESPACE = "wagtailsnippets_tiers_tier"
LIST_URL, ADD_URL = reverse(f"{NAMESPACE}:list"), reverse(f"{NAMESPACE}:add")
HISTORY_URL = "/admin/rewards/tier-history/"

TIER_PERMISSIONS = ("wagtailadmin.access_admin", "tiers.add_tier", "tiers.change_tier", "tiers.publish_tier",
                    "tiers.view_tier")


@pytest.fixture
def marketer(client):
    login_with_mfa(client, staff_with_mfa(*TIER_PERMISSIONS, "tiers.view_tierchange"))
    return client


def tier_form(**changes):
    data = {"name": "Gold", "code": "gold", "rank": "20", "min_rolling_spend": "10000000",
            "min_tenure_years": "2", "discount_percent": "5", "points_multiplier": "1.5",
            "event_access": "on", "priority_support": "on"}
    data.update(changes)
    return data


def test_a_marketer_creates_a_draft_tier_then_publishes_it(marketer):
    response = marketer.post(ADD_URL, tier_form())

    assert response.status_code == 302
    tier = Tier.objects.get(code="gold")
    assert (tier.live, tier.latest_revision is not None) == (False, True)

    edit_url = reverse(f"{NAMESPACE}:edit", args=[tier.pk])
    response = marketer.post(edit_url, tier_form(**{"action-publish": "action-publish"}))

    assert response.status_code == 302
    tier.refresh_from_db()
    assert (tier.live, tier.points_multiplier, tier.event_access) == (True, 1.5, True)


def test_the_tier_list_shows_thresholds_and_benefits(marketer):
    TierFactory(code="silver", name="Silver", rank=10, min_rolling_spend=3_000_000)

    response = marketer.get(LIST_URL)

    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Silver", "silver", "Min. 12-month spend", "3000000"):
        assert text in html, text


def test_a_rank_already_taken_is_refused_with_a_message(marketer):
    TierFactory(code="silver", rank=20)

    response = marketer.post(ADD_URL, tier_form())

    assert response.status_code == 200
    assert response.context["form"].errors == {"rank": ["Tier with this Rank already exists."]}
    assert not Tier.objects.filter(code="gold").exists()


def test_the_tier_history_of_one_member_is_listed_read_only(marketer):
    TierFactory(code="member", name="Member", rank=0)
    mine, other = MemberFactory(), MemberFactory()
    tier_evaluate_members(member_ids=[mine.pk, other.pk], on=dt.date(2026, 6, 15))
    response = marketer.get(HISTORY_URL, {"member": mine.pk})

    assert response.status_code == 200
    listed = list(response.context["object_list"])
    assert [change.member_id for change in listed] == [mine.pk]
    assert marketer.get(HISTORY_URL + "new/").status_code in (302, 403, 404)
    assert TierChange.objects.count() == 2


def test_staff_without_permission_cannot_open_tiers(client):
    login_with_mfa(client, staff_with_mfa("wagtailadmin.access_admin"))

    response = client.get(LIST_URL)

    assert response.status_code in (302, 403)
