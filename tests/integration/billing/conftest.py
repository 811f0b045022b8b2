import pytest

from tests.factories import EarningRuleFactory, MemberFactory


@pytest.fixture
def rules(db):
    """1 point per 10,000 of a paid bill, 1 per 10,000 topped up, 1 per GB of data."""
    return [
        EarningRuleFactory(name="Bills", event_kind="bill_paid", amount_points=1, amount_step=10_000),
        EarningRuleFactory(name="Top-ups", event_kind="top_up", amount_points=1, amount_step=10_000),
        EarningRuleFactory(name="Data", event_kind="usage", amount_points=0, data_points=1,
                           data_step_mb=1024),
    ]


@pytest.fixture
def member(db):
    return MemberFactory()
