"""The importance x satisfaction matrix on a known set of answers: exact means, each
dimension's quadrant, the NPS, one query, filters, and the admin report with its SVG."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from club.care.models import Survey, SurveyResponse
from club.care.selectors_feedback import satisfaction_matrix
from tests.factories import MemberFactory
from tests.integration.members.factories_admin import staff_with_mfa
from tests.mfa_login import login_with_mfa

pytestmark = pytest.mark.django_db

# (importance, satisfaction) of each dimension in each of four responses
ANSWERS = [
    {"product": (5, 5), "pre_sale": (2, 2), "in_sale": (5, 2), "after_sale": (4, 1), "manager": (1, 5)},
    {"product": (5, 4), "pre_sale": (2, 3), "in_sale": (4, 2), "after_sale": (5, 2), "manager": (2, 4)},
    {"product": (4, 4), "pre_sale": (1, 2), "in_sale": (5, 3), "after_sale": (4, 2), "manager": (2, 5)},
    {"product": (4, 3), "pre_sale": (3, 1), "in_sale": (4, 1), "after_sale": (5, 3), "manager": (1, 4)},
]
NPS = [10, 9, 7, 3]
WHEN = dt.datetime(2026, 5, 10, 12, 0, tzinfo=dt.UTC)


def respond(survey, dimensions, nps, *, at=WHEN):
    fields = {}
    for dimension, (importance, satisfaction) in dimensions.items():
        fields[f"{dimension}_importance"], fields[f"{dimension}_satisfaction"] = importance, satisfaction
    return SurveyResponse.objects.create(survey=survey, member=MemberFactory(), nps=nps, answered_at=at,
                                         **fields)


@pytest.fixture
def survey():
    survey = Survey.objects.create(title="Spring 2026", live=True)
    for dimensions, nps in zip(ANSWERS, NPS, strict=True):
        respond(survey, dimensions, nps)
    return survey


def test_the_means_quadrants_and_nps_of_a_known_set(survey, django_assert_num_queries):
    with django_assert_num_queries(1):
        matrix = satisfaction_matrix(survey_id=survey.pk)

    figures = {p.dimension: (p.importance, p.satisfaction, p.quadrant.key) for p in matrix.points}
    assert figures == {
        "product": (4.5, 4.0, "keep"),
        "pre_sale": (2.0, 2.0, "potential_loss"),
        "in_sale": (4.5, 2.0, "fix_first"),
        "after_sale": (4.5, 2.0, "fix_first"),
        "manager": (1.5, 4.5, "over_served"),
    }
    assert (matrix.responses, matrix.promoters, matrix.passives, matrix.detractors) == (4, 2, 1, 1)
    assert matrix.nps == 25  # (2 - 1) / 4


def test_the_filters_narrow_the_answers(survey):
    other = Survey.objects.create(title="Autumn", live=True)
    respond(other, {d: (1, 1) for d in ANSWERS[0]}, 0, at=WHEN + dt.timedelta(days=30))

    assert satisfaction_matrix().responses == 5
    assert satisfaction_matrix(survey_id=other.pk).points[0].importance == 1.0
    assert satisfaction_matrix(answered_from=dt.date(2026, 6, 1)).responses == 1
    assert satisfaction_matrix(answered_to=dt.date(2026, 5, 31)).responses == 4
    empty = satisfaction_matrix(answered_from=dt.date(2027, 1, 1))
    assert (empty.responses, empty.points, empty.nps) == (0, [], None)


def test_the_report_draws_the_quadrant_chart_and_the_table(client, survey):
    login_with_mfa(client, staff_with_mfa("wagtailadmin.access_admin", "care.view_surveyresponse"))

    response = client.get(reverse("care_satisfaction_matrix"), {"survey": survey.pk})

    assert response.status_code == 200
    page = response.content.decode()
    start = page.index('<svg xmlns="http://www.w3.org/2000/svg"')
    svg = page[start:page.index("</svg>", start)]
    assert svg.count("<circle") == 5
    for key in ("keep", "fix_first", "potential_loss", "over_served"):
        assert f'data-quadrant="{key}"' in svg
    assert 'data-dimension="in_sale" data-quadrant="fix_first"' in svg
    assert "Fix first" in svg and "High importance, low satisfaction" in page
    assert "NPS 25" in page
    assert client.get(reverse("care_satisfaction_matrix"), {"answered_from": "2030-01-01"}).status_code == 200


def test_the_report_needs_its_permission(client):
    login_with_mfa(client, staff_with_mfa("wagtailadmin.access_admin"))

    assert client.get(reverse("care_satisfaction_matrix")).status_code in (302, 403)


def test_the_answers_are_listed_read_only(client, survey):
    login_with_mfa(client, staff_with_mfa("wagtailadmin.access_admin", "care.view_surveyresponse"))

    listing = client.get(reverse("care_survey_responses:index"), {"survey": survey.pk})

    assert listing.status_code == 200 and len(listing.context["object_list"]) == 4
    assert client.get(reverse("care_survey_responses:add")).status_code in (302, 403)
    assert SurveyResponse.objects.count() == 4
