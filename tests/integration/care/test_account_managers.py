"""club.care: account managers by rule and by hand, the contact log, the member's care screen in
the admin, the dashboard card, the export and the erasure."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from club.care.models import AccountManager, AssignmentSource, ContactLogEntry, ManagerAssignment, ManagerRule
from club.care.services import ContactLogError, contact_log_add, manager_assign, managers_assign_by_rules
from club.members.models import MemberErasure, MemberStatus
from club.members.services.privacy import member_erase
from cms.privacy_export import member_data_export
from tests.factories import MemberFactory, StaffUserFactory, UserFactory
from tests.integration.members.factories_admin import staff_with_mfa
from tests.mfa_login import login_with_mfa

pytestmark = pytest.mark.django_db


def manager(name: str, *, capacity: int = 200, active: bool = True) -> AccountManager:
    return AccountManager.objects.create(
        user=StaffUserFactory(), display_name=name, phone="+84912000001",
        email=f"{name.lower()}@operator.test", capacity=capacity, active=active)


def rule(name: str, managers, *, customer_types=(), segments=(), priority: int = 100) -> ManagerRule:
    made = ManagerRule.objects.create(name=name, customer_types=list(customer_types), segments=list(segments),
                                      priority=priority)
    made.managers.set(managers)
    return made


def assigned() -> dict[int, tuple[int, str]]:
    return {a.member_id: (a.manager_id, a.source) for a in ManagerAssignment.objects.all()}


def test_rules_spread_members_over_the_least_loaded_managers_and_a_second_run_changes_nothing():
    lan, minh = manager("Lan"), manager("Minh")
    rule("Enterprise", [lan, minh], customer_types=["enterprise", "government"])
    enterprises = MemberFactory.create_batch(5, customer_type="enterprise")
    government = MemberFactory(customer_type="government")
    MemberFactory(customer_type="individual")
    MemberFactory(customer_type="enterprise", status=MemberStatus.CHURNED)

    run = managers_assign_by_rules()

    assert (run.assigned, run.released, run.unplaced) == (6, 0, 0)
    result = assigned()
    assert set(result) == {m.pk for m in [*enterprises, government]}
    loads = sorted(list(m for m, _source in result.values()).count(x.pk) for x in (lan, minh))
    assert loads == [3, 3]
    again = managers_assign_by_rules()
    assert (again.assigned, again.released, again.unplaced) == (0, 0, 0)
    assert assigned() == result


def test_capacity_priority_and_hand_assignments():
    small, big, vip_desk = manager("Small", capacity=1), manager("Big", capacity=2), manager("Vip desk")
    rule("VIP first", [vip_desk], segments=["vip"], priority=1)
    rule("Enterprise", [small, big], customer_types=["enterprise"], priority=2)
    vip_enterprise = MemberFactory(customer_type="enterprise", segment="vip")
    by_hand = MemberFactory(customer_type="enterprise")
    staff = StaffUserFactory()
    manager_assign(member_id=by_hand.pk, manager_id=vip_desk.pk, staff_user=staff)
    others = MemberFactory.create_batch(4, customer_type="enterprise")

    run = managers_assign_by_rules()

    result = assigned()
    assert result[vip_enterprise.pk] == (vip_desk.pk, AssignmentSource.RULE)  # the first rule wins
    assert result[by_hand.pk] == (vip_desk.pk, AssignmentSource.HAND)  # never moved by a rule
    placed = [m for m in others if m.pk in result]
    assert len(placed) == 3 and run.unplaced == 1  # capacities 1 + 2
    assert sorted(result[m.pk][0] for m in placed) == sorted([small.pk, big.pk, big.pk])


def test_members_who_leave_the_rule_or_whose_manager_leaves_are_released_and_placed_again():
    lan, minh = manager("Lan"), manager("Minh")
    enterprise = rule("Enterprise", [lan], customer_types=["enterprise"])
    stays, leaves = MemberFactory(customer_type="enterprise"), MemberFactory(customer_type="enterprise")
    managers_assign_by_rules()
    type(leaves).objects.filter(pk=leaves.pk).update(customer_type="individual")
    enterprise.managers.add(minh)
    AccountManager.objects.filter(pk=lan.pk).update(active=False)

    run = managers_assign_by_rules()

    assert run.released == 2 and run.assigned == 1
    assert assigned() == {stays.pk: (minh.pk, AssignmentSource.RULE)}


def test_the_contact_log_refuses_bad_input_and_writes_nothing():
    member, staff = MemberFactory(), StaffUserFactory()
    now = timezone.now()
    cases = [
        ({"kind": "fax"}, "kind"),
        ({"summary": "  "}, "summary"),
        ({"summary": "x" * 4001}, "summary"),
        ({"happened_at": now + dt.timedelta(hours=1)}, "happened_at"),
        ({"follow_up_on": timezone.localdate(now) - dt.timedelta(days=1)}, "follow_up_on"),
        ({"member_id": 999_999}, "member"),
    ]
    for change, field in cases:
        arguments = {"member_id": member.pk, "staff_user": staff, "kind": "call", "happened_at": now,
                     "summary": "Asked about roaming in Japan.", **change}
        with pytest.raises(ContactLogError) as refused:
            contact_log_add(**arguments)
        assert field in refused.value.errors, (change, refused.value.errors)
    assert not ContactLogEntry.objects.exists()
    entry = contact_log_add(member_id=member.pk, staff_user=staff, kind="visit", happened_at=now,
                            summary="  Visited the Hanoi office.  ", follow_up_on=timezone.localdate(now))
    assert entry.summary == "Visited the Hanoi office."


def _staff_with(*codenames: str):
    return staff_with_mfa("wagtailadmin.access_admin", *(f"care.{codename}" for codename in codenames))


def test_the_care_screen_assigns_by_hand_and_records_contacts(client):
    member = MemberFactory(customer_type="enterprise")
    lan = manager("Lan")
    staff = _staff_with("view_contactlogentry", "add_contactlogentry", "change_managerassignment")
    login_with_mfa(client, staff)
    url = reverse("care_member", args=[member.pk])

    assert "No account manager." in client.get(url).content.decode()
    response = client.post(url, {"action": "assign", "manager": lan.pk})
    assert response.status_code == 302
    assert assigned() == {member.pk: (lan.pk, AssignmentSource.HAND)}

    when = timezone.localtime().replace(second=0, microsecond=0)
    bad = client.post(url, {"action": "log", "kind": "call", "happened_at": when.strftime("%Y-%m-%d %H:%M"),
                            "summary": ""})
    assert bad.status_code == 200 and not ContactLogEntry.objects.exists()
    good = client.post(url, {"action": "log", "kind": "call", "happened_at": when.strftime("%Y-%m-%d %H:%M"),
                             "summary": "Renewal of the 40-line contract."})
    assert good.status_code == 302
    page = client.get(url).content.decode()
    assert "Renewal of the 40-line contract." in page and "Lan, since" in page

    client.post(url, {"action": "assign", "manager": ""})
    assert assigned() == {}


def test_the_care_screen_needs_its_permissions(client):
    member = MemberFactory()
    url = reverse("care_member", args=[member.pk])
    viewer = _staff_with("view_contactlogentry")
    login_with_mfa(client, viewer)
    assert client.get(url).status_code == 200
    when = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    # Wagtail answers a refused admin request with a redirect to the dashboard and a message
    refused = (302, 403)
    logged = client.post(url, {"action": "log", "kind": "call", "happened_at": when, "summary": "A call."})
    assert logged.status_code in refused and logged.get("Location") != url
    assert client.post(url, {"action": "assign", "manager": manager("Lan").pk}).status_code in refused
    login_with_mfa(client, _staff_with())
    assert client.get(url).status_code in refused
    assert not ContactLogEntry.objects.exists() and not ManagerAssignment.objects.exists()


def test_the_dashboard_shows_the_members_manager_only(client):
    user = UserFactory()
    member = MemberFactory(user=user, customer_type="enterprise", language="en")
    other = MemberFactory(user=UserFactory(), customer_type="enterprise", language="en")
    lan = manager("Lan")
    manager_assign(member_id=member.pk, manager_id=lan.pk, staff_user=StaffUserFactory())
    client.force_login(user)

    page = client.get(reverse("portal:dashboard")).content.decode()

    assert 'data-testid="dash-manager"' in page and "Lan" in page and 'href="tel:+84912000001"' in page
    client.force_login(other.user)
    assert 'data-testid="dash-manager"' not in client.get(reverse("portal:dashboard")).content.decode()


def test_the_export_holds_the_care_rows_and_the_erasure_blanks_what_staff_wrote():
    user = UserFactory()
    member = MemberFactory(user=user)
    staff = StaffUserFactory()
    manager_assign(member_id=member.pk, manager_id=manager("Lan").pk, staff_user=staff)
    private = "Wife's name is Hoa; prefers calls after 6 pm."
    contact_log_add(member_id=member.pk, staff_user=staff, kind="call", happened_at=timezone.now(),
                    summary=private, follow_up_on=timezone.localdate())
    contact_log_add(member_id=MemberFactory().pk, staff_user=staff, kind="note", happened_at=timezone.now(),
                    summary="Someone else.")

    export = member_data_export(member_id=member.pk)
    assert [row["summary"] for row in export["contact_log"]] == [private]
    assert len(export["account_manager"]) == 1

    member_erase(member_id=member.pk, source=MemberErasure.Source.PORTAL, erased_by=user)

    entry = ContactLogEntry.objects.get(member=member)
    assert (entry.summary, entry.follow_up_on, entry.kind) == ("", None, "call")
    assert ContactLogEntry.objects.exclude(member=member).get().summary == "Someone else."


def test_the_assignment_and_contact_listings_show_their_rows(client):
    staff = staff_with_mfa(is_superuser=True)
    login_with_mfa(client, staff)
    members = MemberFactory.create_batch(3, customer_type="enterprise")
    lan = manager("Lan")
    for member in members:
        manager_assign(member_id=member.pk, manager_id=lan.pk, staff_user=staff)
        contact_log_add(member_id=member.pk, staff_user=staff, kind="call", happened_at=timezone.now(),
                        summary="Called.")
    for url in ("/admin/care/assignments/", "/admin/care/contacts/"):
        page = client.get(url)
        assert page.status_code == 200, url
        html = page.content.decode()
        assert all(str(member) in html for member in members), url
