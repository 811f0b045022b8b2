"""The churn-risk condition: who matches a minimum chance of leaving or a risk band, its exclude,
its checks and text, one query to count, and the editor's live figures."""

from __future__ import annotations

import pytest
from django.utils import timezone

from campaigns.audiences.blocks import condition_blocks
from campaigns.audiences.selectors import audience_count, audience_figures
from club.members.models import MemberStatus
from club.profiles.models import MemberProfile
from tests.factories import MemberFactory

from .helpers import ON, audience, condition, members_of

pytestmark = pytest.mark.django_db
BLOCK = dict(condition_blocks())["churn_risk"]


def scored(score: float | None, **fields):
    member = MemberFactory(consent_profiling=score is not None, **fields)
    MemberProfile.objects.create(member=member, as_of=ON, refreshed_at=timezone.now(), churn_score=score)
    return member


@pytest.fixture
def world():
    members = {score: scored(score) for score in (0.05, 0.2, 0.39, 0.4, 0.59, 0.6, 0.93)}
    members["unscored"] = scored(None)
    members["no profile"] = MemberFactory()
    scored(0.99, status=MemberStatus.CHURNED, churn_reason="voluntary")  # never in an audience
    return members


def churn(*, min_percent=None, bands=(), exclude=False):
    return audience(condition("churn_risk", min_percent=min_percent, bands=list(bands), exclude=exclude))


def ids(world, *keys) -> set[int]:
    return {world[key].pk for key in keys}


def test_a_minimum_chance_of_leaving(world):
    assert members_of(churn(min_percent=40)) == ids(world, 0.4, 0.59, 0.6, 0.93)
    assert members_of(churn(min_percent=0)) == ids(world, 0.05, 0.2, 0.39, 0.4, 0.59, 0.6, 0.93)


def test_risk_bands_and_both_together(world):
    assert members_of(churn(bands=["medium"])) == ids(world, 0.2, 0.39)
    assert members_of(churn(bands=["high", "very_high"])) == ids(world, 0.4, 0.59, 0.6, 0.93)
    assert members_of(churn(bands=["high", "very_high"], min_percent=59)) == ids(world, 0.59, 0.6, 0.93)


def test_exclude_keeps_the_members_without_a_score(world):
    assert members_of(churn(min_percent=40, exclude=True)) == ids(
        world, 0.05, 0.2, 0.39, "unscored", "no profile")


def test_counting_is_one_query_and_the_live_figures_agree(world, django_assert_num_queries):
    high = churn(bands=["high", "very_high"])

    with django_assert_num_queries(1):
        assert audience_count(audience=high, on=ON) == 4
    figures = audience_figures(audience=high, on=ON)
    assert (figures.members, figures.active_members) == (4, 9)
    assert [(line.text, line.members) for line in figures.conditions] == [
        ("Churn risk: High risk or Very high risk", 4)]


def test_the_condition_needs_a_minimum_or_a_band_and_reads_in_words():
    assert BLOCK.value_errors({"min_percent": None, "bands": []}) == {"": "Fill in at least one of these."}
    assert BLOCK.value_errors({"min_percent": 0, "bands": []}) == {}
    assert BLOCK.describe({"min_percent": 40, "bands": ["very_high"]}) == (
        "Churn risk: at least 40% chance of leaving, Very high risk")


def test_a_member_who_withdrew_consent_since_the_scoring_no_longer_matches(world):
    from club.members.models import Member

    Member.objects.filter(pk=world[0.93].pk).update(consent_profiling=False)

    assert members_of(churn(bands=["very_high"])) == ids(world, 0.6)
    assert world[0.93].pk in members_of(churn(bands=["very_high"], exclude=True))
