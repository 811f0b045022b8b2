"""Which templates suit a member: their segment (or every segment), their payment plan (or
any), published, every component active."""

from __future__ import annotations

import pytest

from rewards.bundles.models import BundleComponent
from rewards.bundles.selectors import bundle_templates_for_member
from tests.factories import MemberFactory

from .factories import template

pytestmark = pytest.mark.django_db


def names(member):
    return [t.name for t in bundle_templates_for_member(member_id=member.pk)]


@pytest.fixture
def templates():
    template(name="A control pack", target_segments=["control_seekers"], plan_fit="prepaid")
    template(name="B data pack", target_segments=["performance_seekers", "vip"])
    template(name="C for everyone")
    template(name="D postpaid only", plan_fit="postpaid")
    template(name="E draft", live=False)
    template(name="F streaming", lines=(("streaming", 1),))
    BundleComponent.objects.filter(code="streaming").update(active=False)


@pytest.mark.parametrize(
    ("segment", "plan", "expected"),
    [
        pytest.param(
            "control_seekers", "prepaid", ["A control pack", "C for everyone"], id="control-prepaid"
        ),
        pytest.param(
            "control_seekers", "postpaid", ["C for everyone", "D postpaid only"], id="control-postpaid"
        ),
        pytest.param(
            "vip", "postpaid", ["B data pack", "C for everyone", "D postpaid only"], id="vip-postpaid"
        ),
        pytest.param("", "prepaid", ["C for everyone"], id="not-classified"),
    ],
)
def test_templates_suited_to_a_member(templates, segment, plan, expected):
    assert names(MemberFactory(segment=segment, payment_plan=plan)) == expected


def test_an_unknown_member_is_offered_nothing(templates):
    assert bundle_templates_for_member(member_id=999_999) == []
