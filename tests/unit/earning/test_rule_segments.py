"""An earning rule limited to some segments gives points only to members of those segments."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from rewards.earning.evaluation import EarningEvent, MemberContext, RuleSpec, evaluate_event

AT = dt.datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
TOP_UP = EarningEvent("t1", 1, "top_up", AT, amount=Decimal(50_000))
CONTROL_ONLY = RuleSpec(id=1, name="Control bonus", event_kind="top_up", amount_points=2,
                        segments=frozenset({"control_seekers", "cost_cutters"}))
EVERYONE = RuleSpec(id=2, name="Top-ups", event_kind="top_up", amount_points=1)


def member(segment: str) -> MemberContext:
    return MemberContext(1, "individual", segment, dt.date(2020, 1, 1))


@pytest.mark.parametrize(("segment", "points"), [
    pytest.param("control_seekers", 10 + 5, id="in-a-chosen-segment"),
    pytest.param("cost_cutters", 10 + 5, id="in-the-other-chosen-segment"),
    pytest.param("vip", 5, id="other-segment"),
    pytest.param("", 5, id="unclassified"),
])
def test_a_rule_for_some_segments(segment, points):
    award = evaluate_event(TOP_UP, member(segment), [CONTROL_ONLY, EVERYONE], {})
    assert award.points == points
