"""One idempotency key sent by 20 threads at once: one order, one outbox row, 20 answers with
the same order; two members racing for one key: one order, the other refused."""

from __future__ import annotations

import pytest

from rewards.bundles.models import BundleOrder, BundleOutbox
from rewards.bundles.services import BundleErrorCode, bundle_order_place
from tests.factories import MemberFactory
from tests.integration.catalogue.concurrency import Crowd

from .factories import template

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CLIENTS = 20


def place(member, bundle, key):
    return bundle_order_place(
        member_id=member.pk,
        template_id=bundle.pk,
        idempotency_key=key,
        quantities={"data-gb": 12},
        source="portal",
    )


def test_one_key_from_20_threads_is_one_order_and_one_outbox_row():
    member, bundle = MemberFactory(), template()

    with Crowd(CLIENTS) as crowd:
        outcomes = crowd.run([lambda: place(member, bundle, "same-key")] * CLIENTS)

    assert [o.error for o in outcomes] == [None] * CLIENTS
    results = [o.value for o in outcomes]
    assert all(r.is_success for r in results), [r.error for r in results]
    assert len({r.order for r in results}) == 1
    assert sorted(r.replayed for r in results) == [False] + [True] * (CLIENTS - 1)
    assert BundleOrder.objects.count() == 1
    assert list(BundleOutbox.objects.values_list("order_id", "action")) == [
        (results[0].order.order_id, "activate")
    ]


def test_two_members_racing_for_one_key_get_one_order_and_one_conflict():
    first, second, bundle = MemberFactory(), MemberFactory(), template()

    with Crowd(2) as crowd:
        for trial in range(5):
            key = f"race-{trial}"
            outcomes = crowd.run(
                [lambda key=key: place(first, bundle, key), lambda key=key: place(second, bundle, key)]
            )
            assert [o.error for o in outcomes] == [None, None]
            results = [o.value for o in outcomes]
            assert sorted(str(r.error) for r in results) == ["None", BundleErrorCode.IDEMPOTENCY_CONFLICT]
            assert BundleOrder.objects.filter(idempotency_key=key).count() == 1
            assert BundleOutbox.objects.filter(order__idempotency_key=key).count() == 1
