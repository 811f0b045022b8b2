"""Events for club members only: the RSVP service refuses a member without a club membership
that entitles now (under the event's lock), the pages and the dashboard say why, and the
membership answer reaches club.events through club.members.privileges."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from club.events.selectors import member_eligibility
from club.events.services import rsvp_create
from club.events.services.results import RsvpErrorCode
from club.members.privileges import club_membership_holders
from club.membership.models import ClubMembership, MembershipSource, MembershipStatus
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def club_member(member, status=MembershipStatus.ACTIVE):
    return ClubMembership.objects.create(member=member, source=MembershipSource.EARNED, status=status)


def test_the_membership_app_answers_who_holds_a_membership():
    holder, past_due, lapsed, none = MemberFactory.create_batch(4)
    club_member(holder)
    club_member(past_due, MembershipStatus.PAST_DUE)
    club_member(lapsed, MembershipStatus.LAPSED)
    ids = [holder.pk, past_due.pk, lapsed.pk, none.pk]
    assert club_membership_holders(ids) == {holder.pk, past_due.pk}
    assert club_membership_holders([]) == set()


def test_only_club_members_can_rsvp(event_factory):
    event = event_factory(club_members_only=True)
    outsider, lapsed, holder = MemberFactory.create_batch(3)
    club_member(lapsed, MembershipStatus.LAPSED)
    club_member(holder)

    for member in (outsider, lapsed):
        refused = rsvp_create(event_id=event.pk, member_id=member.pk)
        assert refused.error == RsvpErrorCode.NOT_ELIGIBLE
        assert refused.message == "This event is for club members."
    assert rsvp_create(event_id=event.pk, member_id=holder.pk).is_success
    assert event_factory(title="Open night", slug="open-night").pk  # an open event: anyone
    eligibility = member_eligibility(member_id=outsider.pk, events=[event])
    assert not eligibility[event.pk].is_eligible
    assert member_eligibility(member_id=holder.pk, events=[event])[event.pk].is_eligible


def test_the_dashboard_says_why_without_another_query(client, event_factory):
    event_factory(title="Members' evening", club_members_only=True)
    user = UserFactory()
    member = MemberFactory(user=user, language="en")
    client.force_login(user)
    client.get(reverse("portal:dashboard"))

    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("portal:dashboard")).content.decode()
    assert "This event is for club members." in page
    # the membership is read in the member snapshot (a join), not by the events' eligibility
    assert not [q for q in queries.captured_queries if 'FROM "membership_clubmembership"' in q["sql"]]

    club_member(member)
    page = client.get(reverse("portal:dashboard")).content.decode()
    assert "This event is for club members." not in page and "Not answered yet" in page
