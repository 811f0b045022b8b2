"""The admin's points screen of one member, and the audited manual adjustment."""

from __future__ import annotations

import uuid

import pytest

from club.audit.models import AuditEntry
from rewards.ledger.models import EntryKind, LedgerEntry
from rewards.ledger.selectors import points_balance
from rewards.ledger.services import points_grant
from tests.factories import MemberFactory
from tests.integration.members.factories_admin import staff_with_mfa
from tests.mfa_login import login_with_mfa

pytestmark = pytest.mark.django_db

VIEWER = ("wagtailadmin.access_admin", "members.view_member", "ledger.view_ledgerentry")
ADJUSTER = (*VIEWER, "ledger.add_ledgerentry")


def url(member):
    return f"/admin/rewards/ledger/{member.pk}/"


@pytest.fixture
def member():
    member = MemberFactory()
    points_grant(member_id=member.pk, points=120, reason="Bill paid", source_type="billing_event",
                 source_ref="e1", idempotency_key="earn:e1")
    return member


def refused(response) -> bool:
    """The Wagtail admin answers a PermissionDenied with a redirect to its dashboard."""
    return response.status_code == 403 or (response.status_code == 302 and response.url == "/admin/")


def adjust(client, member, points, reason, key=None):
    return client.post(url(member), {"points": points, "reason": reason, "request_key": key or uuid.uuid4()})


def test_viewer_sees_balance_lots_and_statement_but_no_form(client, member):
    login_with_mfa(client, staff_with_mfa(*VIEWER))
    response = client.get(url(member))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-available>120<' in body and "Bill paid" in body
    assert "Record adjustment" not in body


def test_member_detail_links_to_the_ledger(client, member):
    login_with_mfa(client, staff_with_mfa(*VIEWER))
    body = client.get(f"/admin/member/inspect/{member.pk}/").content.decode()
    assert url(member) in body and "120 points available, 0 pending" in body


def test_staff_without_ledger_permission_is_refused(client, member):
    login_with_mfa(client, staff_with_mfa("wagtailadmin.access_admin", "members.view_member"))
    assert refused(client.get(url(member)))
    assert refused(adjust(client, member, 10, "not allowed here"))
    assert LedgerEntry.objects.filter(member=member).count() == 1


def test_viewer_cannot_adjust(client, member):
    login_with_mfa(client, staff_with_mfa(*VIEWER))
    assert refused(adjust(client, member, 10, "trying anyway"))
    assert points_balance(member_id=member.pk).available == 120


def test_adjustment_is_recorded_with_staff_user_reason_and_audit_log(client, member):
    staff = staff_with_mfa(*ADJUSTER)
    login_with_mfa(client, staff)
    key = uuid.uuid4()
    reason = "Duplicate credit of bill 4411"
    assert adjust(client, member, -20, reason, key).url == url(member)
    assert adjust(client, member, -20, reason, key).url == url(member)  # a double submit
    entry = LedgerEntry.objects.get(member=member, kind=EntryKind.ADJUST)
    assert (entry.points, entry.reason, entry.staff_user) == (-20, "Duplicate credit of bill 4411", staff)
    assert points_balance(member_id=member.pk).available == 100
    logged = AuditEntry.objects.filter(action="troika.points_adjusted", user=staff)
    assert logged.count() == 1 and logged.get().data["points"] == -20
    assert logged.get().member_id == member.pk


@pytest.mark.parametrize(
    ("points", "reason", "message"),
    [
        pytest.param(10, "", "This field is required", id="reason-missing"),
        pytest.param(10, "abc", "at least 5 characters", id="reason-too-short"),
        pytest.param(0, "zero points", "at least one point", id="zero-points"),
        pytest.param(-121, "too big a debit", "only 120 points", id="debit-over-balance"),
    ],
)
def test_bad_adjustments_are_refused_with_a_message_and_change_nothing(
    client, member, points, reason, message
):
    login_with_mfa(client, staff_with_mfa(*ADJUSTER))
    response = adjust(client, member, points, reason)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert LedgerEntry.objects.filter(member=member).count() == 1
    assert points_balance(member_id=member.pk).available == 120
