"""Audit log: which staff looked at or exported a member's personal data, one entry per view,
and the manual points adjustments and co-promotion terms (written through services). The
audit log itself never holds a member's personal data: the member is named by id only."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from club.audit.models import AuditEntry
from club.audit.services import PERSONAL_DATA_EXPORTED, PERSONAL_DATA_VIEWED, personal_data_viewed
from club.care.models import Complaint, ComplaintUpdate
from club.members.admin.personal_data_shown import members_of_rows
from partners.copromotions.services import (
    copromotion_codes_generate,
    copromotion_propose,
    copromotion_submit,
)
from partners.copromotions.services.proposals import TERMS_LOG_ACTION
from rewards.billing.models import QuarantinedEvent
from rewards.ledger.services import points_grant
from tests.factories import MemberFactory
from tests.integration.audit.helpers import only_entry
from tests.integration.events.conftest import make_event, make_index
from tests.integration.members.factories_admin import staff_with_mfa
from tests.integration.partners.copromotion_factories import proposal
from tests.mfa_login import login_with_mfa
from tests.partner_fixtures import PartnerUserFactory

pytestmark = pytest.mark.django_db

MEMBER_VIEWER = ("wagtailadmin.access_admin", "members.view_member")
LEDGER_ADJUSTER = (*MEMBER_VIEWER, "ledger.view_ledgerentry", "ledger.add_ledgerentry")


@pytest.fixture
def member():
    member = MemberFactory(msisdn="+84901234567")
    points_grant(member_id=member.pk, points=120, reason="Bill paid", source_type="billing_event",
                 source_ref="e1", idempotency_key="earn:e1")
    return member


def no_personal_data_in(entry: AuditEntry, member) -> None:
    text = f"{entry.label} {entry.changes} {entry.data}"
    assert member.msisdn not in text and member.account_number not in text


def test_a_staff_get_of_the_member_page_records_exactly_one_view(client, member):
    staff = staff_with_mfa(*MEMBER_VIEWER)
    login_with_mfa(client, staff)

    response = client.get(reverse("member:inspect", args=[member.pk]))

    assert response.status_code == 200
    entry = only_entry(action=PERSONAL_DATA_VIEWED)
    assert (entry.member_id, entry.user_id, entry.object_id) == (member.pk, staff.pk, str(member.pk))
    assert entry.data == {"screen": "member:inspect"} and entry.label == f"member #{member.pk}"
    no_personal_data_in(entry, member)


@pytest.mark.parametrize(
    ("path", "permissions"),
    [
        pytest.param("/admin/member/edit/{pk}/", ("members.change_member",), id="member-edit-form"),
        pytest.param("/admin/rewards/ledger/{pk}/", ("ledger.view_ledgerentry",), id="member-ledger"),
    ],
)
def test_each_screen_about_one_member_records_one_view_per_get(client, member, path, permissions):
    login_with_mfa(client, staff_with_mfa(*MEMBER_VIEWER, *permissions))

    for _ in range(2):
        assert client.get(path.format(pk=member.pk)).status_code == 200

    assert AuditEntry.objects.filter(action=PERSONAL_DATA_VIEWED, member_id=member.pk).count() == 2


def test_a_refused_view_records_nothing(client, member):
    login_with_mfa(client, staff_with_mfa("wagtailadmin.access_admin"))

    client.get(reverse("member:inspect", args=[member.pk]))
    client.get(f"/admin/rewards/ledger/{member.pk}/")

    assert not AuditEntry.objects.filter(action=PERSONAL_DATA_VIEWED).exists()


def test_the_member_portal_records_nothing(client, member):
    client.get("/portal/")
    client.get("/")

    assert not AuditEntry.objects.exists()


def test_an_attendance_export_records_who_downloaded_it(client):
    event = make_event(make_index())
    staff = staff_with_mfa(is_superuser=True)
    login_with_mfa(client, staff)

    response = client.get(reverse("events_attendance_csv", args=(event.pk,)))

    assert response.status_code == 200
    entry = only_entry(action=PERSONAL_DATA_EXPORTED)
    assert (entry.object_id, entry.user_id, entry.data["export"]) == (str(event.pk), staff.pk,
                                                                      "event attendance CSV")


def test_a_manual_points_adjustment_records_the_balance_before_and_after(client, member):
    staff = staff_with_mfa(*LEDGER_ADJUSTER)
    login_with_mfa(client, staff)

    client.post(f"/admin/rewards/ledger/{member.pk}/",
                {"points": -20, "reason": "Duplicate credit of bill 4411", "request_key": uuid.uuid4()})

    entry = only_entry(action="troika.points_adjusted")
    assert (entry.member_id, entry.user_id) == (member.pk, staff.pk)
    assert entry.changes == {"available points": [120, 100]}
    assert entry.data["points"] == -20 and entry.data["reason"] == "Duplicate credit of bill 4411"
    assert entry.ip == "127.0.0.1"
    no_personal_data_in(entry, member)


def test_a_member_edit_records_which_fields_changed_but_not_their_values(client, member):
    staff = staff_with_mfa(*MEMBER_VIEWER, "members.change_member")
    login_with_mfa(client, staff)
    form = client.get(f"/admin/member/edit/{member.pk}/").context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}
    data.update(city="Đà Nẵng", msisdn="+84901234568")

    response = client.post(f"/admin/member/edit/{member.pk}/", data)

    assert response.status_code == 302, response.context and response.context["form"].errors
    entry = only_entry(action="wagtail.edit", member_id=member.pk)
    assert entry.changes == {"msisdn": ["•••", "•••"], "city": ["•••", "•••"]}
    no_personal_data_in(entry, member)
    assert "+84901234568" not in str(entry.changes)


def test_setting_co_promotion_terms_records_before_and_after(client):
    partner_user = PartnerUserFactory(partner__name="Streamly", partner__slug="streamly")
    copromotion = copromotion_propose(partner_id=partner_user.partner_id, user_id=partner_user.user_id,
                                      data=proposal(benefit_kind="bonus_points", bonus_points=500))
    copromotion_codes_generate(copromotion_id=copromotion.pk, count=10)
    copromotion_submit(copromotion_id=copromotion.pk, partner_id=partner_user.partner_id,
                       user_id=partner_user.user_id)
    marketer = staff_with_mfa()
    marketer.groups.add(Group.objects.get(name="Marketers"))
    login_with_mfa(client, marketer)
    before = [None if value is None else str(value)
              for value in (copromotion.funding_per_redemption, copromotion.price_per_point)]

    response = client.post(reverse("copromotions:edit", args=[copromotion.pk]), {
        "funding_per_redemption": "5000", "price_per_point": "20", "revenue_share_percent": "",
        "review_comment": "Agreed on the call of 3 Dec.",
    })

    assert response.status_code == 302
    entry = only_entry(action=TERMS_LOG_ACTION)
    assert entry.user_id == marketer.pk and entry.object_id == str(copromotion.pk)
    assert entry.changes["funding_per_redemption"] == [before[0], "5000"]
    assert entry.changes["price_per_point"] == [before[1], "20"]
    assert entry.changes["review_comment"] == ["", "Agreed on the call of 3 Dec."]


def test_a_members_history_lists_who_looked_and_is_for_auditors_only(client, member):
    support = staff_with_mfa(*MEMBER_VIEWER, "members.change_member")
    login_with_mfa(client, support)
    client.get(reverse("member:inspect", args=[member.pk]))

    refused = client.get(reverse("member:history", args=[member.pk]))
    login_with_mfa(client, staff_with_mfa(*MEMBER_VIEWER, "members.change_member", "audit.view_audit_log"))
    shown = client.get(reverse("member:history", args=[member.pk]))

    assert refused.status_code == 403 and support.email not in refused.content.decode()
    assert shown.status_code == 200 and "Viewed personal data" in shown.content.decode()


def test_a_page_of_the_member_list_records_one_view_per_member_shown(client, member):
    others = MemberFactory.create_batch(2)
    staff = staff_with_mfa(*MEMBER_VIEWER)
    login_with_mfa(client, staff)

    response = client.get(reverse("member:index"))
    searched = client.get(reverse("member:index_results"), {"q": member.msisdn})

    assert (response.status_code, searched.status_code) == (200, 200)
    entries = AuditEntry.objects.filter(action=PERSONAL_DATA_VIEWED, user=staff)
    listed = sorted(entries.filter(data={"screen": "member:index"}).values_list("member_id", flat=True))
    assert listed == sorted([member.pk, *(other.pk for other in others)])
    found = list(entries.filter(data={"screen": "member:index_results"}).values_list("member_id", flat=True))
    assert found == [member.pk]  # the search showed one member: one entry
    for entry in entries:
        no_personal_data_in(entry, member)


def _complaint(member):
    now = timezone.now()
    return Complaint.objects.create(member=member, category="billing", subject="Overcharged", description="x",
                                    created_at=now, first_response_due=now, resolution_due=now)


def test_any_listing_over_a_registered_model_records_the_members_of_its_rows(client, member):
    """Complaints are declared in club/care/personal_data.py: their listing needs no code of its
    own to be audited, and a listing of another member's rows names that member, not ours."""
    other = MemberFactory()
    for someone in (member, member, other):
        _complaint(someone)
    staff = staff_with_mfa(is_superuser=True)
    login_with_mfa(client, staff)

    response = client.get(reverse("care_complaints:index"))

    assert response.status_code == 200
    entries = AuditEntry.objects.filter(action=PERSONAL_DATA_VIEWED, user=staff)
    assert sorted(entries.values_list("member_id", flat=True)) == sorted([member.pk, other.pk])
    assert {entry.data["screen"] for entry in entries} == {"care_complaints:index"}


def test_a_listing_reached_through_a_path_records_the_member_at_its_end(client, member):
    """Fulfilments reach their member through the redemption (``redemption__member``)."""
    staff = staff_with_mfa(is_superuser=True)
    login_with_mfa(client, staff)
    complaint = _complaint(member)
    ComplaintUpdate.objects.create(complaint=complaint, kind="response", at=timezone.now(), staff_user=staff,
                                   message="Refunded")

    assert members_of_rows(ComplaintUpdate, list(ComplaintUpdate.objects.all())) == [member.pk]
    assert members_of_rows(type(member.user), [member.user]) == ([member.pk] if member.user_id else [])
    assert members_of_rows(AuditEntry, list(AuditEntry.objects.all())) == []  # ids only, and excluded


def test_the_audit_log_and_refused_or_posted_requests_record_no_view(client, member):
    _complaint(member)
    staff = staff_with_mfa("wagtailadmin.access_admin", "audit.view_audit_log")
    login_with_mfa(client, staff)
    personal_data_viewed(member=member, user=staff, screen="seed")

    audit_log = client.get(reverse("audit_log:index"))
    refused = client.get(reverse("care_complaints:index"))

    assert audit_log.status_code == 200 and refused.status_code in (302, 403)
    assert AuditEntry.objects.filter(action=PERSONAL_DATA_VIEWED).count() == 1  # the seed only


def test_a_refused_event_quoting_a_members_line_records_that_member(client, member):
    """A quarantined billing event is matched to no member, but its payload (declared in
    rewards/billing/personal_data.py) may quote a member's line: the listing records whom it
    named, in any of the line's spellings, and nobody for a line that is no member's."""
    def quarantined(msisdn: str, n: int):
        return QuarantinedEvent.objects.create(
            raw={"event_id": f"bad-{n}", "msisdn": msisdn, "amount": "x"}, event_id=f"bad-{n}",
            reason="bad_member", reasons=[f"amount: not a number (line {msisdn})"], source="api",
            received_at=timezone.now(), digest=f"{n:064d}")

    quarantined(member.msisdn.lstrip("+"), 1)
    quarantined("+84999999999", 2)
    quarantined("0" + member.msisdn.removeprefix("+84"), 3)  # the national way: a second entry
    staff = staff_with_mfa(is_superuser=True)
    login_with_mfa(client, staff)

    response = client.get(reverse("quarantinedevent:index"))

    assert response.status_code == 200
    viewed = AuditEntry.objects.filter(action=PERSONAL_DATA_VIEWED, user=staff)
    assert list(viewed.values_list("member_id", flat=True)) == [member.pk]

    client.get(reverse("quarantinedevent:index"), {"q": "bad-3"})

    assert list(viewed.values_list("member_id", flat=True)) == [member.pk, member.pk]
