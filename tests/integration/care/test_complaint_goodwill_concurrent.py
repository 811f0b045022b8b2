"""Two staff resolve the same complaint at the same moment, each with goodwill points: the row
lock lets one through, the other finds it resolved; the member gets the points once."""

from __future__ import annotations

import pytest

from club.care.models import Complaint, ComplaintStatus
from club.care.services import complaint_file, complaint_resolve
from rewards.ledger.models import LedgerEntry, PointsAccount
from tests.factories import MemberFactory, StaffUserFactory
from tests.integration.catalogue.concurrency import Crowd

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_concurrent_resolves_grant_the_goodwill_points_once():
    member, first, second = MemberFactory(), StaffUserFactory(), StaffUserFactory()
    complaints = [
        complaint_file(member_id=member.pk, category="network", subject=f"Dropped calls {n}",
                       description="Calls drop in my office.")
        for n in range(5)
    ]

    with Crowd(2) as crowd:
        for complaint in complaints:
            outcomes = crowd.run([
                lambda c=complaint: complaint_resolve(complaint_id=c.pk, staff_user=first,
                                                      resolution="By the first", goodwill_points=300),
                lambda c=complaint: complaint_resolve(complaint_id=c.pk, staff_user=second,
                                                      resolution="By the second", goodwill_points=700),
            ])
            assert [o.error for o in outcomes] == [None, None]
            stored = Complaint.objects.get(pk=complaint.pk)
            entries = list(LedgerEntry.objects.filter(source_ref=f"complaint:{complaint.pk}"))
            assert stored.status == ComplaintStatus.RESOLVED
            assert len(entries) == 1 and entries[0].points == stored.goodwill_points
            assert stored.goodwill_points in (300, 700)
            assert stored.updates.filter(kind="resolved").count() == 1

    total = sum(c.goodwill_points for c in Complaint.objects.all())
    account = PointsAccount.objects.get(member=member)
    assert account.available + account.pending == total
