"""The r19 soak's stream and chaos come from the seed alone (docs/soak.md)."""

from __future__ import annotations

from itertools import islice

from tests.reliability.soak_support import Sizes, Stream, chaos_schedule

DELIVERIES = 200


def _stream(seed: int, deliveries: int = DELIVERIES) -> Stream:
    """A stream over ``deliveries`` Stripe deliveries, each further round adding 10 more."""
    indexes = list(range(deliveries))
    return Stream(seed, Sizes(), indexes, stripe_more=lambda: list(range(len(indexes), len(indexes) + 10)))


def _first(seed: int, count: int = 400) -> list:
    stream = _stream(seed)
    return [(step.number, step.kind, step.payload) for step in islice(stream.steps(), count)]


def test_the_same_seed_gives_the_same_steps_and_chaos():
    assert _first(42) == _first(42)
    assert chaos_schedule(42, 120) == chaos_schedule(42, 120)


def test_another_seed_gives_other_steps():
    assert _first(42) != _first(43)
    assert chaos_schedule(42, 120) != chaos_schedule(43, 120)


def test_the_stream_holds_every_kind_of_input_and_the_expected_outcome_of_billing():
    stream = _stream(7)
    kinds = {step.kind for step in islice(stream.steps(), 400)}
    assert kinds == {
        "billing", "stripe", "redeem", "partner", "rsvp", "campaign", "rolled_back", "probe", "bad",
    }
    billing = stream.billing
    assert billing.duplicates > 0 and billing.malformed and billing.reversed_ids
    assert billing.reversed_ids <= set(billing.originals)


def test_chaos_scales_with_the_soak_length():
    plan = chaos_schedule(1, 1800)
    assert [action for _at, action in plan].count("kill") == 45
    assert [action for _at, action in plan].count("redis") == 33
    assert all(0 < at < 1800 for at, _action in plan)


def test_the_stripe_deliveries_go_on_in_rounds_each_sent_once_and_the_rest_at_the_end():
    # given: a stream with 8 Stripe deliveries, then rounds of 10 more
    stream = _stream(3, deliveries=8)

    # when: enough steps for more than the first 8
    sent = [
        index
        for step in islice(stream.steps(), 400)
        if step.kind == "stripe"
        for index in step.payload["deliveries"]
    ]
    rest = stream.stripe_rest()

    # then: every delivery in order, once, none skipped, the rounds included; the rest is what
    # the steps had not reached, and nothing is left after it
    assert len(sent) > 8
    assert sent + rest == list(range(len(stream.stripe_deliveries)))
    assert stream.stripe_rest() == []
