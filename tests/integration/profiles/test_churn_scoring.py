"""Churn scoring of members: the same inputs from a CSV row and from the member imported from
it, the stored scores equal to scikit-learn's predictions, consent and churned lines, the
factors, and a chunk's fixed number of statements."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from django.db import connection

from club.members.models import Member
from club.profiles.churn.features import (
    MEMBER_FIELDS,
    ProfileFigures,
    inputs_from_csv_row,
    inputs_from_member_values,
)
from club.profiles.churn.services import churn_model_spec, churn_scores_refresh, churn_scores_step
from club.profiles.models import MemberProfile
from tests.unit.profiles.churn_rows import telco_like_rows, telco_row

from .churn_setup import AS_OF, active_model, fitted_on_rows, import_rows, profile_for

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def fitted():
    return fitted_on_rows()


def _member_inputs(member: Member, profile: ProfileFigures | None = None):
    values = Member.objects.filter(pk=member.pk).values(*MEMBER_FIELDS).get()
    return inputs_from_member_values(values, profile=profile, on=AS_OF)


def test_a_csv_row_and_the_member_imported_from_it_give_the_same_inputs_and_vector(fitted):
    rows = telco_like_rows(40, seed=5) + [
        telco_row(900, tenure=0, contract="Two year", internet="No", payment="Mailed check", charges="19.7",
                  churn=False) | {"MultipleLines": "No phone service", "PhoneService": "No"},
        telco_row(901, tenure=72, contract="One year", internet="DSL", payment="Credit card (automatic)",
                  charges="118.75", churn=True, add_ons="Yes") | {"TotalCharges": " "},
    ]
    members = import_rows(rows)
    spec = churn_model_spec(active_model(fitted))

    from_rows = [inputs_from_csv_row(row) for row in rows]
    from_members = [_member_inputs(members[row["customerID"]]) for row in rows]

    assert from_members == from_rows
    assert np.array_equal(spec.standardised(from_members), spec.standardised(from_rows))


def test_scores_are_what_the_fitted_model_predicts_for_each_member(fitted):
    rows = telco_like_rows(30, seed=6)
    members = import_rows(rows)
    figures = {"complaints_90d": 2, "data_mb_3m": 100, "data_mb_prev_3m": 900}
    for member in members.values():
        profile_for(member, **figures)
    active_model(fitted)

    scored = churn_scores_refresh(on=AS_OF)

    assert scored == 30
    stored = dict(MemberProfile.objects.values_list("member__account_number", "churn_score"))
    expected = fitted.sklearn_probabilities([
        dataclasses.replace(inputs_from_csv_row(row), profile=ProfileFigures(**figures)) for row in rows
    ])
    assert np.allclose([stored[row["customerID"]] for row in rows], expected, rtol=0, atol=1e-12)
    assert MemberProfile.objects.filter(churn_scored_at__isnull=True).count() == 0


def test_only_members_who_consented_and_have_not_left_are_scored(fitted):
    rows = telco_like_rows(8, seed=7)
    members = list(import_rows(rows).values())
    for member in members:
        profile_for(member)
    active_model(fitted)
    refused, churned = members[0], members[1]
    Member.objects.filter(pk=refused.pk).update(consent_profiling=False)
    Member.objects.filter(pk=churned.pk).update(status="churned")

    assert churn_scores_refresh(on=AS_OF) == 6
    unscored = MemberProfile.objects.filter(churn_score__isnull=True)
    assert set(unscored.values_list("member_id", flat=True)) == {refused.pk, churned.pk}
    assert list(unscored.values_list("churn_factors", "churn_scored_at").distinct()) == [([], None)]

    # consent withdrawn after a night's scoring: the next run clears the score
    Member.objects.filter(pk=members[2].pk).update(consent_profiling=False)
    assert churn_scores_refresh(member_ids=[members[2].pk, members[3].pk], on=AS_OF) == 1
    cleared = MemberProfile.objects.get(member=members[2])
    assert (cleared.churn_score, cleared.churn_factors, cleared.churn_scored_at) == (None, [], None)


def test_the_factors_name_the_inputs_that_move_the_score_with_the_members_values(fitted):
    row = telco_row(1, tenure=1, contract="Month-to-month", internet="Fiber optic",
                    payment="Electronic check", charges="99.65", churn=True)
    member = import_rows([row])[row["customerID"]]
    profile_for(member)
    spec = churn_model_spec(active_model(fitted))

    churn_scores_refresh(on=AS_OF)

    profile = MemberProfile.objects.get(member=member)
    factors = profile.churn_factors
    by_code = {item["code"]: item for item in factors}
    assert 3 <= len(factors) <= 5
    assert by_code["tenure_months"]["value"] == 1 and by_code["tenure_months"]["weight"] > 0
    assert by_code["contract"]["value"] == "Month-to-month" and by_code["contract"]["weight"] > 0
    contributions = spec.factor_contributions(spec.standardised([inputs_from_csv_row(row)]))[0]
    largest = sorted(zip(spec.factor_codes, contributions, strict=True), key=lambda item: -abs(item[1]))[:5]
    assert [item["code"] for item in factors] == [code for code, _weight in largest]
    assert profile.churn_score > 0.5


def test_without_an_active_model_nothing_is_scored():
    member = import_rows(telco_like_rows(1))["0000-TEST"]
    profile_for(member)

    assert churn_scores_refresh(on=AS_OF) == 0
    assert MemberProfile.objects.get(member=member).churn_scored_at is None


def test_a_chunk_takes_the_same_statements_for_few_or_many_members(fitted, django_assert_max_num_queries):
    members = list(import_rows(telco_like_rows(60, seed=8)).values())
    for member in members:
        profile_for(member)
    Member.objects.filter(pk=members[0].pk).update(consent_profiling=False)
    active_model(fitted)
    ids = [member.pk for member in members]

    # PostgreSQL: the model, the chunk's rows, one UPDATE that writes and clears; elsewhere the
    # bulk update and the clearing UPDATE inside a savepoint
    expected = 3 if connection.vendor == "postgresql" else 6
    with django_assert_max_num_queries(expected) as few:
        assert churn_scores_step(member_ids=ids[:5], on=AS_OF) == 4
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert churn_scores_step(member_ids=ids, on=AS_OF) == 59
    assert len(few.captured_queries) == expected


def test_churn_scoring_is_the_last_step_of_the_profiles_pipeline():
    from club.profiles.pipeline import pipeline_steps

    assert pipeline_steps()[-1] is churn_scores_step


def test_the_nightly_pipeline_profiles_and_then_scores_the_members(fitted):
    from club.profiles.services import profiles_refresh_all

    members = import_rows(telco_like_rows(12, seed=13))
    active_model(fitted)

    profiles_refresh_all(on=AS_OF)

    profiles = MemberProfile.objects.filter(member__in=members.values())
    assert profiles.count() == 12  # created by the refresh step, scored by the churn step after it
    assert profiles.filter(churn_score__isnull=False, churn_scored_at__isnull=False).count() == 12


def test_erasing_a_member_clears_their_score_at_once(fitted):
    from club.members.models import MemberErasure
    from club.members.services.privacy import member_erase

    members = list(import_rows(telco_like_rows(2, seed=14)).values())
    for member in members:
        profile_for(member)
    active_model(fitted)
    churn_scores_refresh(on=AS_OF)

    member_erase(member_id=members[0].pk, source=MemberErasure.Source.STAFF)

    erased, kept = (MemberProfile.objects.get(member=member) for member in members)
    assert (erased.churn_score, erased.churn_factors, erased.churn_scored_at) == (None, [], None)
    assert kept.churn_score is not None and kept.churn_factors
