"""The audit log in the Wagtail admin: filterable by actor, action, object type, dates and
member; only for holders of ``audit.view_audit_log``; nobody adds, edits or deletes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from club.audit.models import AuditEntry
from club.audit.services import PERSONAL_DATA_VIEWED, personal_data_viewed
from rewards.tiers.models import Tier
from tests.factories import MemberFactory, TierFactory
from tests.integration.audit.helpers import auditor
from tests.integration.members.factories_admin import staff_with_mfa
from tests.mfa_login import login_with_mfa

pytestmark = pytest.mark.django_db

INDEX_URL = reverse("audit_log:index")
RESULTS_URL = reverse("audit_log:index_results")


@pytest.fixture
def entries():
    """Four entries: two staff, two actions, two object types, two members, two days."""
    alice = staff_with_mfa(email="alice@operator.test")
    bob = staff_with_mfa(email="bob@operator.test")
    first, second = MemberFactory(), MemberFactory()
    tier = TierFactory(code="gold", name="Gold")
    made = {
        "alice viewed first": personal_data_viewed(member=first, user=alice, screen="member:inspect"),
        "bob viewed second": personal_data_viewed(member=second, user=bob, screen="member:inspect"),
        "alice edited gold": AuditEntry.objects.log_action(tier, "wagtail.edit", user=alice),
        "bob published gold last week": AuditEntry.objects.log_action(
            tier, "wagtail.publish", user=bob, timestamp=timezone.now() - dt.timedelta(days=7)
        ),
    }
    return {"made": made, "first": first}


def listed(client, **filters) -> set[str]:
    response = client.get(RESULTS_URL, filters)
    assert response.status_code == 200
    shown = {entry.pk for entry in response.context["object_list"]}
    return shown


def names(entries, *keys) -> set[int]:
    return {entries["made"][key].pk for key in keys}


def test_the_audit_log_filters_by_actor_action_type_dates_and_member(client, entries):
    login_with_mfa(client, auditor())
    tier_type = ContentType.objects.get_for_model(Tier)
    today = timezone.localdate()

    assert listed(client) == names(entries, *entries["made"])
    assert listed(client, actor="alice@") == names(entries, "alice viewed first", "alice edited gold")
    assert listed(client, action=PERSONAL_DATA_VIEWED) == names(entries, "alice viewed first",
                                                                "bob viewed second")
    assert listed(client, object_type=tier_type.pk) == names(entries, "alice edited gold",
                                                             "bob published gold last week")
    assert listed(client, date_from=today - dt.timedelta(days=1)) == names(
        entries, "alice viewed first", "bob viewed second", "alice edited gold")
    assert listed(client, date_until=today - dt.timedelta(days=2)) == names(
        entries, "bob published gold last week")
    assert listed(client, member=entries["first"].pk) == names(entries, "alice viewed first")
    assert listed(client, actor="bob@", object_type=tier_type.pk) == names(
        entries, "bob published gold last week")


def test_the_listing_and_the_detail_show_actor_object_and_changes(client):
    tier = TierFactory(code="gold", name="Gold")
    entry = AuditEntry.objects.log_action(
        tier, "wagtail.publish", user=staff_with_mfa(email="carol@operator.test"),
        changes={"discount_percent": ["5.00", "7.00"]},
    )
    login_with_mfa(client, auditor())

    listing = client.get(INDEX_URL).content.decode()
    detail = client.get(reverse("audit_log:inspect", args=[entry.pk])).content.decode()

    for html in (listing, detail):
        assert "carol@operator.test" in html and "Gold" in html and "discount_percent: 5.00 → 7.00" in html


def test_staff_without_the_permission_get_403_and_see_nothing(client, entries):
    staff = staff_with_mfa("wagtailadmin.access_admin", "members.view_member", "tiers.change_tier")
    login_with_mfa(client, staff)
    entry = entries["made"]["alice edited gold"]

    responses = [client.get(INDEX_URL), client.get(RESULTS_URL),
                 client.get(reverse("audit_log:inspect", args=[entry.pk]))]

    assert [r.status_code for r in responses] == [403, 403, 403]
    assert "alice@operator.test" not in "".join(r.content.decode() for r in responses)
    assert not AuditEntry.objects.viewable_by_user(staff).exists()  # Wagtail's Site history too


def test_nobody_adds_edits_or_deletes_an_entry_in_the_admin(client, entries):
    login_with_mfa(client, staff_with_mfa(is_superuser=True))
    entry = entries["made"]["alice edited gold"]
    before = list(AuditEntry.objects.order_by("pk").values())

    attempts = [
        client.post(reverse("audit_log:add"), {"label": "forged", "action": "wagtail.edit"}),
        client.post(reverse("audit_log:edit", args=[entry.pk]), {"label": "forged"}),
        client.post(reverse("audit_log:delete", args=[entry.pk])),
    ]

    assert all(r.status_code in (302, 403, 404) for r in attempts)
    assert list(AuditEntry.objects.order_by("pk").values()) == before
