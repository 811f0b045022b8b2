"""The r19 soak's stream and chaos come from the seed alone (docs/soak.md)."""

from __future__ import annotations

from itertools import islice

from tests.reliability.soak_support import Sizes, Stream, chaos_schedule

DELIVERIES = list(range(200))


def _first(seed: int, count: int = 400) -> list:
    stream = Stream(seed, Sizes(), DELIVERIES)
    return [(step.number, step.kind, step.payload) for step in islice(stream.steps(), count)]


def test_the_same_seed_gives_the_same_steps_and_chaos():
    assert _first(42) == _first(42)
    assert chaos_schedule(42, 120) == chaos_schedule(42, 120)


def test_another_seed_gives_other_steps():
    assert _first(42) != _first(43)
    assert chaos_schedule(42, 120) != chaos_schedule(43, 120)


def test_the_stream_holds_every_kind_of_input_and_the_expected_outcome_of_billing():
    stream = Stream(7, Sizes(), DELIVERIES)
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
