"""The staff's "Erase personal data" action on a member: a confirmation page, a POST that
needs the account number typed and a CSRF token, the dedicated permission, one erasure (and
one audit entry) however often or however concurrently it is sent."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from club.audit.models import AuditEntry
from club.members.models import Member, MemberErasure
from club.members.services.privacy import MEMBER_ERASED_LOG_ACTION, erased_msisdn
from tests.factories import MemberFactory
from tests.mfa_login import login_with_mfa
from tests.races import at_once

from .factories_admin import staff_with_mfa

pytestmark = pytest.mark.django_db

ERASER_PERMISSIONS = ("wagtailadmin.access_admin", "members.view_member", "members.erase_member")
VIEWER_PERMISSIONS = ("wagtailadmin.access_admin", "members.view_member", "members.change_member")


@pytest.fixture
def member():
    return MemberFactory(msisdn="+84912000777", account_number="ACC-ERASE-1", city="Đà Nẵng")


@pytest.fixture
def eraser():
    return staff_with_mfa(*ERASER_PERMISSIONS)


def erase_url(member) -> str:
    return reverse("member:erase", args=[member.pk])


def erasure_state(member) -> tuple:
    stored = Member.objects.get(pk=member.pk)
    erasures = list(MemberErasure.objects.filter(member=member).values_list("source", "erased_by_id"))
    audited = AuditEntry.objects.filter(member_id=member.pk, action=MEMBER_ERASED_LOG_ACTION).count()
    return stored.msisdn, stored.account_number, stored.city, erasures, audited


def test_the_member_detail_offers_the_action_to_erasers_only(client, member, eraser):
    inspect = reverse("member:inspect", args=[member.pk])
    login_with_mfa(client, eraser)
    assert erase_url(member).encode() in client.get(inspect).content

    login_with_mfa(client, staff_with_mfa(*VIEWER_PERMISSIONS))
    assert erase_url(member).encode() not in client.get(inspect).content


def test_the_confirmation_page_says_what_goes_and_what_stays_and_changes_nothing(client, member, eraser):
    login_with_mfa(client, eraser)
    before = erasure_state(member)

    response = client.get(erase_url(member))

    assert response.status_code == 200
    page = response.content.decode()
    assert "data-erase-summary" in page and "Kept, under the pseudonym" in page
    assert 'name="account_number"' in page and "csrfmiddlewaretoken" in page
    assert erasure_state(member) == before


def test_the_typed_account_number_confirms_the_erasure_and_names_the_staff(client, member, eraser):
    login_with_mfa(client, eraser)

    response = client.post(erase_url(member), {"account_number": " ACC-ERASE-1 "})

    assert response.status_code == 302 and response.url == reverse("member:inspect", args=[member.pk])
    assert erasure_state(member) == (
        erased_msisdn(member.pk), f"erased-{member.pk}", "", [("staff", eraser.pk)], 1,
    )
    entry = AuditEntry.objects.get(member_id=member.pk, action=MEMBER_ERASED_LOG_ACTION)
    assert entry.user_id == eraser.pk and entry.data == {"source": "staff"}
    assert b"data-erase-link" not in client.get(reverse("member:inspect", args=[member.pk])).content


@pytest.mark.parametrize("typed", ["", "ACC-ERASE-2", "acc-erase-1", "+84912000777"],
                         ids=["empty", "another-account", "other-case", "the-msisdn"])
def test_anything_but_the_account_number_is_refused_and_changes_nothing(client, member, eraser, typed):
    login_with_mfa(client, eraser)
    before = erasure_state(member)

    response = client.post(erase_url(member), {"account_number": typed})

    assert response.status_code == 400
    assert response.context["form"].errors["account_number"]
    assert erasure_state(member) == before


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(member, eraser):
    client = Client(enforce_csrf_checks=True)
    login_with_mfa(client, eraser)
    before = erasure_state(member)

    response = client.post(erase_url(member), {"account_number": member.account_number})

    assert response.status_code == 403
    assert erasure_state(member) == before


def test_other_methods_are_refused(client, member, eraser):
    login_with_mfa(client, eraser)
    assert client.put(erase_url(member)).status_code == 405
    assert client.delete(erase_url(member)).status_code == 405


def test_staff_without_the_permission_are_refused_and_nothing_changes(client, member):
    login_with_mfa(client, staff_with_mfa(*VIEWER_PERMISSIONS))
    before = erasure_state(member)

    for response in (client.get(erase_url(member)),
                     client.post(erase_url(member), {"account_number": member.account_number})):
        assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    assert erasure_state(member) == before


def test_an_unknown_member_is_a_404(client, eraser):
    login_with_mfa(client, eraser)
    assert client.get(reverse("member:erase", args=[987654])).status_code == 404


def test_erasing_twice_says_so_and_changes_nothing(client, member, eraser):
    login_with_mfa(client, eraser)
    first = client.post(erase_url(member), {"account_number": member.account_number}, follow=True)
    assert [str(m) for m in first.context["messages"]] == ["The member's personal data was erased."]
    after_first = erasure_state(member)

    # the account number is now the pseudonym; the old one is what a second staff would type
    response = client.post(erase_url(member), {"account_number": "ACC-ERASE-1"}, follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "This member's personal data was already erased."
    ]
    assert erasure_state(member) == after_first
    assert b"data-already-erased" in client.get(erase_url(member)).content


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_two_staff_erasing_at_the_same_moment_make_one_erasure(member):
    staff = [staff_with_mfa(*ERASER_PERMISSIONS) for _ in range(2)]
    clients = []
    for user in staff:
        client = Client()
        login_with_mfa(client, user)
        clients.append(client)

    responses = at_once(
        [lambda c=c: c.post(erase_url(member), {"account_number": member.account_number}) for c in clients],
        caught=(Exception,),
    )

    assert [r.status_code for r in responses] == [302, 302]
    msisdn, account, city, erasures, audited = erasure_state(member)
    assert len(erasures) == 1 and erasures[0][1] in {user.pk for user in staff}
    assert audited == 1 and account == f"erased-{member.pk}"
