"""The member's profile in the admin: read-only, formatted, for staff with the permission only."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from club.profiles.models import MemberProfile
from club.profiles.services import profiles_refresh
from tests.factories import MemberFactory, StaffUserFactory
from tests.integration.members.factories_admin import staff_with_mfa
from tests.mfa_login import login_with_mfa

from .data import ON, alice_history

pytestmark = pytest.mark.django_db
VIEW = "profiles.view_memberprofile"


def _cell(page: str, field: str) -> str:
    match = re.search(rf'data-profile-field="{field}">\s*<th scope="row">[^<]*</th>\s*<td>([^<]*)</td>', page)
    assert match, field
    return match.group(1).strip()


@pytest.fixture
def alice():
    member = MemberFactory(consent_profiling=True)
    alice_history(member, StaffUserFactory())
    profiles_refresh(member_ids=[member.pk], on=ON)
    return member


def test_staff_see_the_aggregates_formatted(client, alice):
    login_with_mfa(client, staff_with_mfa("wagtailadmin.access_admin", VIEW))

    page = client.get(reverse("profiles_member", args=[alice.pk])).content.decode()

    assert _cell(page, "spend_3m") == "150,000 VND"
    assert _cell(page, "spend_12m") == "210,000 VND"
    assert _cell(page, "data_mb_3m") == "1,500"
    assert _cell(page, "mean_days_between_top_ups") == "27.0"
    assert _cell(page, "days_suspended_90d") == "13"
    assert _cell(page, "complaints_90d") == "2"
    assert "data-profile-consent" not in page
    assert "<form" not in page.split('id="main"')[-1]  # read-only: nothing to submit


def test_the_page_follows_the_readers_language(client, alice):
    staff = staff_with_mfa("wagtailadmin.access_admin", VIEW)
    login_with_mfa(client, staff)

    url = reverse("profiles_member", args=[alice.pk])
    with translation.override("vi"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()

    assert _cell(page, "spend_3m") == "150.000 VND"


def test_a_member_without_consent_or_profile_is_said_so(client):
    member = MemberFactory(consent_profiling=False)
    login_with_mfa(client, staff_with_mfa("wagtailadmin.access_admin", VIEW))
    url = reverse("profiles_member", args=[member.pk])

    assert 'data-profile-state="none"' in client.get(url).content.decode()
    profiles_refresh(member_ids=[member.pk], on=ON)
    assert 'data-profile-consent="no"' in client.get(url).content.decode()


def test_the_members_detail_links_to_the_profile(client, alice):
    login_with_mfa(client, staff_with_mfa("wagtailadmin.access_admin", VIEW, "members.view_member"))

    page = client.get(reverse("member:inspect", args=[alice.pk])).content.decode()

    assert reverse("profiles_member", args=[alice.pk]) in page
    assert "Spend in the last 3 months: 150,000 VND" in page


def test_the_profile_needs_its_permission_and_the_admin(client, alice):
    url = reverse("profiles_member", args=[alice.pk])
    login_with_mfa(client, staff_with_mfa("wagtailadmin.access_admin"))
    assert client.get(url).status_code in (302, 403)

    client.force_login(StaffUserFactory(is_staff=False))  # a member's login, not staff
    assert client.get(url).status_code in (302, 403)

    login_with_mfa(client, staff_with_mfa("wagtailadmin.access_admin", VIEW))
    assert client.post(url, {"spend_3m": "1"}).status_code == 405
    assert MemberProfile.objects.get(member=alice).spend_3m == 150_000
