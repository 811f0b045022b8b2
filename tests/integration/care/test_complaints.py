"""Complaints: filing (validation, the limit of pending complaints, SLA deadlines per category,
the account manager by default), staff assigning, answering and resolving with goodwill points
once, the overdue selector, the portal's isolation and the erasure."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from club.care.models import AccountManager, Complaint, ComplaintStatus, ComplaintUpdate
from club.care.selectors_feedback import complaints_overdue
from club.care.services import (
    ComplaintError,
    complaint_assign,
    complaint_file,
    complaint_resolve,
    complaint_respond,
    manager_assign,
)
from club.care.services.complaints import PENDING_MAX
from club.members.models import MemberErasure
from club.members.services.privacy import member_erase
from rewards.ledger.models import LedgerEntry, PointsAccount
from tests.factories import MemberFactory, StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def file(member, category="billing", subject="Charged twice", description="My March bill has it twice.",
         now=NOW):
    return complaint_file(member_id=member.pk, category=category, subject=subject, description=description,
                          now=now)


@pytest.mark.parametrize(("category", "first_hours", "resolve_hours"), [
    ("billing", 8, 72), ("network", 4, 48), ("data_speed", 8, 72), ("service", 24, 120),
    ("device", 24, 168), ("other", 24, 168),
], ids=lambda value: str(value))
def test_the_deadlines_come_from_the_category_sla(category, first_hours, resolve_hours):
    complaint = file(MemberFactory(), category=category)

    assert complaint.status == ComplaintStatus.OPEN
    assert complaint.first_response_due == NOW + dt.timedelta(hours=first_hours)
    assert complaint.resolution_due == NOW + dt.timedelta(hours=resolve_hours)
    kinds = ComplaintUpdate.objects.filter(complaint=complaint).values_list("kind", flat=True)
    assert list(kinds) == ["filed"]


def test_the_sla_can_be_configured_per_category(settings):
    settings.CARE_COMPLAINT_SLA_HOURS = {"network": (1, 6)}

    network, billing = file(MemberFactory(), category="network"), file(MemberFactory(), category="billing")

    assert (network.first_response_due, network.resolution_due) == (NOW + dt.timedelta(hours=1),
                                                                     NOW + dt.timedelta(hours=6))
    assert billing.resolution_due == NOW + dt.timedelta(hours=72)  # the default stays


@pytest.mark.parametrize(("fields", "errors"), [
    ({"category": "weather"}, {"category"}),
    ({"subject": "   "}, {"subject"}),
    ({"subject": "x" * 121}, {"subject"}),
    ({"description": ""}, {"description"}),
    ({"description": "x" * 4001}, {"description"}),
    ({"category": "", "subject": "", "description": ""}, {"category", "subject", "description"}),
], ids=["unknown-category", "blank-subject", "long-subject", "no-description", "long-description", "all"])
def test_bad_input_is_refused_field_by_field_and_nothing_is_written(fields, errors):
    member = MemberFactory()

    with pytest.raises(ComplaintError) as refused:
        file(member, **fields)

    assert set(refused.value.errors) == errors
    assert not Complaint.objects.exists() and not ComplaintUpdate.objects.exists()


def test_a_member_has_at_most_five_pending_complaints():
    member, other = MemberFactory(), MemberFactory()
    filed = [file(member) for _ in range(PENDING_MAX)]

    with pytest.raises(ComplaintError) as refused:
        file(member)

    assert "5" in refused.value.errors["__all__"]
    assert Complaint.objects.filter(member=member).count() == PENDING_MAX
    file(other)  # the limit is per member
    complaint_resolve(complaint_id=filed[0].pk, staff_user=StaffUserFactory(), resolution="Refunded.")
    file(member)  # a resolved complaint no longer counts
    assert Complaint.objects.filter(member=member).count() == PENDING_MAX + 1


def test_the_account_manager_gets_the_complaint_by_default():
    manager_login = StaffUserFactory()
    manager = AccountManager.objects.create(user=manager_login, display_name="Lan")
    managed, unmanaged = MemberFactory(customer_type="enterprise"), MemberFactory()
    manager_assign(member_id=managed.pk, manager_id=manager.pk, staff_user=StaffUserFactory())

    assert file(managed).assigned_to == manager_login
    assert file(unmanaged).assigned_to is None


def test_assign_respond_and_resolve_write_the_timeline_and_stop_the_clocks():
    staff, colleague = StaffUserFactory(), StaffUserFactory()
    complaint = file(MemberFactory())

    complaint_assign(complaint_id=complaint.pk, assignee=colleague, staff_user=staff, now=NOW)
    complaint_respond(complaint_id=complaint.pk, staff_user=colleague, message="Sorry, we are on it.",
                      now=NOW + dt.timedelta(hours=1))
    complaint_respond(complaint_id=complaint.pk, staff_user=colleague, message="Found it.",
                      now=NOW + dt.timedelta(hours=2))
    complaint_resolve(complaint_id=complaint.pk, staff_user=colleague, resolution="Refunded 50,000 VND.",
                      now=NOW + dt.timedelta(hours=3))

    complaint.refresh_from_db()
    assert complaint.assigned_to == colleague
    assert complaint.status == ComplaintStatus.RESOLVED
    assert complaint.first_responded_at == NOW + dt.timedelta(hours=1)
    assert complaint.resolved_at == NOW + dt.timedelta(hours=3)
    assert list(complaint.updates.values_list("kind", "message")) == [
        ("filed", ""), ("assigned", ""), ("response", "Sorry, we are on it."), ("response", "Found it."),
        ("resolved", "Refunded 50,000 VND."),
    ]
    assert not LedgerEntry.objects.exists()  # no goodwill asked
    with pytest.raises(ComplaintError):
        complaint_respond(complaint_id=complaint.pk, staff_user=colleague, message="More?")


def test_only_active_staff_can_be_assigned():
    complaint = file(MemberFactory())

    with pytest.raises(ComplaintError) as refused:
        complaint_assign(complaint_id=complaint.pk, assignee=UserFactory(), staff_user=StaffUserFactory())

    assert set(refused.value.errors) == {"assignee"}
    complaint.refresh_from_db()
    assert complaint.assigned_to is None and complaint.updates.count() == 1


def test_goodwill_points_go_through_the_ledger_once():
    member, staff = MemberFactory(), StaffUserFactory()
    complaint = file(member)

    complaint_resolve(complaint_id=complaint.pk, staff_user=staff, resolution="Sorry!", goodwill_points=500)
    complaint_resolve(complaint_id=complaint.pk, staff_user=staff, resolution="Again", goodwill_points=900)

    entry = LedgerEntry.objects.get()
    assert (entry.kind, entry.points, entry.member_id) == ("goodwill", 500, member.pk)
    assert entry.idempotency_key == f"complaint-goodwill:{complaint.pk}"
    assert (entry.reason_code, entry.reason_values) == ("complaint.goodwill",
                                                        {"complaint": complaint.pk, "points": 500})
    complaint.refresh_from_db()
    assert (complaint.goodwill_points, complaint.resolution) == (500, "Sorry!")
    account = PointsAccount.objects.get(member=member)
    assert account.available + account.pending == 500


@pytest.mark.parametrize("points", [-1, 100_001, "50"], ids=["negative", "too-many", "text"])
def test_bad_goodwill_is_refused_and_the_complaint_stays_open(points):
    complaint = file(MemberFactory())

    with pytest.raises(ComplaintError) as refused:
        complaint_resolve(complaint_id=complaint.pk, staff_user=StaffUserFactory(), resolution="x",
                          goodwill_points=points)

    assert set(refused.value.errors) == {"goodwill_points"}
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.OPEN and not LedgerEntry.objects.exists()


def test_overdue_means_pending_and_past_a_deadline():
    staff = StaffUserFactory()
    no_answer = file(MemberFactory(), category="network")  # first response due NOW+4h, resolution NOW+48h
    answered = file(MemberFactory(), category="network")
    complaint_respond(complaint_id=answered.pk, staff_user=staff, message="On it.", now=NOW)
    resolved = file(MemberFactory(), category="network")
    complaint_resolve(complaint_id=resolved.pk, staff_user=staff, resolution="Fixed.", now=NOW)
    late = file(MemberFactory(), category="network", now=NOW - dt.timedelta(hours=49))
    complaint_respond(complaint_id=late.pk, staff_user=staff, message="On it.",
                      now=NOW - dt.timedelta(hours=48))

    at = NOW + dt.timedelta(hours=5)
    assert list(complaints_overdue(now=at)) == [late, no_answer]
    assert list(complaints_overdue(now=NOW + dt.timedelta(hours=3))) == [late]
    assert set(complaints_overdue(now=NOW + dt.timedelta(hours=49))) == {late, no_answer, answered}


def test_the_portal_lists_files_and_shows_only_the_members_own(client):
    user = UserFactory()
    member = MemberFactory(user=user, language="en")
    others = file(MemberFactory(user=UserFactory()))
    client.force_login(user)

    response = client.post(reverse("portal:complaints"), {
        "category": "data_speed", "subject": "Slow 4G at home", "description": "Under 1 Mbps every evening."})

    mine = Complaint.objects.get(member=member)
    assert response.status_code == 302 and response.url == reverse("portal:complaint", args=[mine.pk])
    listing = client.get(reverse("portal:complaints")).content.decode()
    assert "Slow 4G at home" in listing and "Charged twice" not in listing
    detail = client.get(reverse("portal:complaint", args=[mine.pk]))
    assert detail.status_code == 200 and "Under 1 Mbps every evening." in detail.content.decode()
    assert client.get(reverse("portal:complaint", args=[others.pk])).status_code == 404


def test_the_portal_shows_the_form_errors_and_writes_nothing(client):
    user = UserFactory()
    MemberFactory(user=user, language="en")
    client.force_login(user)

    response = client.post(reverse("portal:complaints"),
                           {"category": "billing", "subject": "", "description": ""})

    assert response.status_code == 400 and not Complaint.objects.exists()


def test_the_erasure_blanks_the_texts_and_keeps_the_figures():
    member, staff = MemberFactory(), StaffUserFactory()
    complaint = file(member)
    complaint_respond(complaint_id=complaint.pk, staff_user=staff, message="Dear Ms Lan, ...")
    complaint_resolve(complaint_id=complaint.pk, staff_user=staff, resolution="Refunded.",
                      goodwill_points=200)

    member_erase(member_id=member.pk, source=MemberErasure.Source.STAFF)

    complaint.refresh_from_db()
    assert (complaint.subject, complaint.description, complaint.resolution) == ("", "", "")
    assert (complaint.category, complaint.goodwill_points, complaint.status) == ("billing", 200, "resolved")
    assert set(complaint.updates.values_list("message", flat=True)) == {""}

