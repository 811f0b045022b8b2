"""Two staff scan one ticket at the same moment (real threads, PostgreSQL): one check-in, one
"already checked in", one ledger entry."""

from __future__ import annotations

import pytest
from django.utils import timezone

from club.events.models import Rsvp
from club.events.services import rsvp_check_in, rsvp_create
from rewards.ledger.models import LedgerEntry, SourceType
from tests.factories import MemberFactory, UserFactory
from tests.integration.catalogue.concurrency import Crowd
from tests.integration.events.conftest import make_event, make_index

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 5


def test_two_parallel_scans_of_one_ticket_check_in_once():
    index = make_index()
    now = timezone.now().replace(microsecond=0)
    staff = [UserFactory(is_staff=True), UserFactory(is_staff=True)]
    with Crowd(2) as door:
        for n in range(ROUNDS):
            event = make_event(index, title=f"Night {n}", slug=f"night-{n}", starts_at=now,
                               ends_at=now + timezone.timedelta(hours=2), attendance_points=40)
            member = MemberFactory()
            rsvp_create(event_id=event.pk, member_id=member.pk, at=now - timezone.timedelta(days=1))
            token = Rsvp.objects.get(event=event, member=member).ticket_token

            outcomes = door.run([
                (lambda user=user, t=token, e=event.pk: rsvp_check_in(token=t, staff_user=user, event_id=e))
                for user in staff
            ])

            assert [o.error for o in outcomes] == [None, None]
            results = [o.value for o in outcomes]
            assert all(r.is_success for r in results)
            assert sorted(r.already for r in results) == [False, True]
            assert sorted(r.points for r in results) == [0, 40]
            first = next(r for r in results if not r.already)
            assert all(r.checked_in_at == first.checked_in_at for r in results)
            assert LedgerEntry.objects.filter(member_id=member.pk, source_type=SourceType.EVENT_ATTENDANCE,
                                              points=40).count() == 1
