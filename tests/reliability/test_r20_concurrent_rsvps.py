"""r20: 50 members RSVP at the same moment to an event with 10 places (5 events, one after
the other): exactly 10 confirmed and 40 waitlisted at positions 1..40, no server errors; then
3 confirmed members cancel at the same moment: exactly the first 3 waitlisted are promoted,
the other 37 keep their order."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from club.events.models import Rsvp, RsvpStatus
from club.events.services import rsvp_cancel, rsvp_create
from tests.factories import MemberFactory
from tests.integration.catalogue.concurrency import Crowd
from tests.integration.events.conftest import make_event, make_index

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CLIENTS = 50
CAPACITY = 10
CANCELS = 3
TRIALS = 5


def _waitlist(event) -> list[tuple[int, int]]:
    return list(Rsvp.objects.filter(event=event, status=RsvpStatus.WAITLISTED)
                .order_by("waitlist_position").values_list("member_id", "waitlist_position"))


def test_r20_concurrent_rsvps_fill_the_places_and_promote_first_in_line():
    index = make_index()
    members = MemberFactory.create_batch(CLIENTS)
    events = [make_event(index, title=f"Night {n}", slug=f"night-{n}", capacity=CAPACITY)
              for n in range(TRIALS)]
    confirmed_counts, waitlisted_counts, errors, refusals, wrong_promotions = [], [], 0, 0, 0
    rsvp_seconds, cancel_seconds = [], []
    with Crowd(CLIENTS) as crowd, Crowd(CANCELS) as cancellers:
        for event in events:
            started = time.perf_counter()
            outcomes = crowd.run([
                (lambda m=member, e=event: rsvp_create(event_id=e.pk, member_id=m.pk)) for member in members
            ])
            rsvp_seconds.append(time.perf_counter() - started)
            errors += sum(1 for o in outcomes if o.error is not None)
            refusals += sum(1 for o in outcomes if o.error is None and not o.value.is_success)
            statuses = [o.value.status for o in outcomes if o.error is None]
            confirmed_counts.append(statuses.count("confirmed"))
            waitlisted_counts.append(statuses.count("waitlisted"))
            queue = _waitlist(event)
            assert [position for _member, position in queue] == list(range(1, CLIENTS - CAPACITY + 1))
            assert sorted(o.value.rsvp.waitlist_place for o in outcomes
                          if o.error is None and o.value.status == "waitlisted") == list(
                range(1, CLIENTS - CAPACITY + 1))

            leaving = list(Rsvp.objects.filter(event=event, status=RsvpStatus.CONFIRMED)
                           .values_list("member_id", flat=True)[:CANCELS])
            started = time.perf_counter()
            cancelled = cancellers.run([
                (lambda m=member_id, e=event: rsvp_cancel(event_id=e.pk, member_id=m))
                for member_id in leaving
            ])
            cancel_seconds.append(time.perf_counter() - started)
            errors += sum(1 for o in cancelled if o.error is not None)
            promoted_ids = [pk for o in cancelled if o.error is None for pk in o.value.promoted]
            promoted_members = set(
                Rsvp.objects.filter(pk__in=promoted_ids).values_list("member_id", flat=True))
            first_in_line = {member_id for member_id, _position in queue[:CANCELS]}
            wrong_promotions += len(promoted_members ^ first_in_line)
            assert all(o.error is None and o.value.is_success and len(o.value.promoted) == 1
                       for o in cancelled)
            assert Rsvp.objects.filter(event=event, status=RsvpStatus.CONFIRMED).count() == CAPACITY
            assert _waitlist(event) == [(m, p) for m, p in queue[CANCELS:]]  # the others keep their order
    print(
        f"\nr20: {TRIALS} events x {CLIENTS} concurrent RSVPs for {CAPACITY} places: confirmed per event "
        f"{sorted(set(confirmed_counts))}, waitlisted {sorted(set(waitlisted_counts))}, refusals {refusals}, "
        f"server errors {errors}; {CANCELS} concurrent cancels: wrong promotions {wrong_promotions}; "
        f"RSVP rounds {min(rsvp_seconds):.2f}-{max(rsvp_seconds):.2f} s, "
        f"cancel rounds {min(cancel_seconds) * 1000:.0f}-{max(cancel_seconds) * 1000:.0f} ms"
    )
    assert confirmed_counts == [CAPACITY] * TRIALS
    assert waitlisted_counts == [CLIENTS - CAPACITY] * TRIALS
    assert (errors, refusals, wrong_promotions) == (0, 0, 0)


def test_r20_the_lock_is_the_event_rows_own():
    """The services lock ``events_eventpage`` alone (FOR NO KEY UPDATE OF it), never the Wagtail
    base row that editors' drafts write."""
    event = make_event(make_index())
    member = MemberFactory()

    with CaptureQueriesContext(connection) as queries:
        rsvp_create(event_id=event.pk, member_id=member.pk)

    locks = [q["sql"] for q in queries.captured_queries if "FOR " in q["sql"]]
    assert len(locks) == 1
    assert locks[0].endswith('FOR NO KEY UPDATE OF "events_eventpage"'), locks[0]
