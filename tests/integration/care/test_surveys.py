"""Satisfaction surveys: answer validation, one response per member and survey (in the service
and in the portal), closed surveys, and the erasure of comments."""

from __future__ import annotations

import pytest
from django.urls import reverse

from club.care.models import Survey, SurveyResponse
from club.care.services import SurveyError, survey_respond
from club.care.services.surveys import survey_answer_fields
from club.members.models import MemberErasure
from club.members.services.privacy import member_erase
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def answers(satisfaction=4, importance=5, nps=9) -> dict:
    values = {name: (satisfaction if name.endswith("_satisfaction") else importance)
              for name in survey_answer_fields()}
    return {**values, "nps": nps}


@pytest.fixture
def survey():
    return Survey.objects.create(title="How are we doing?", live=True)


def test_an_answer_is_stored_with_every_figure(survey):
    member = MemberFactory()

    response = survey_respond(survey_id=survey.pk, member_id=member.pk,
                              answers={**answers(), "after_sale_satisfaction": "2"}, comment="  Fix repairs ")

    response.refresh_from_db()
    assert (response.product_satisfaction, response.product_importance) == (4, 5)
    assert (response.after_sale_satisfaction, response.nps, response.comment) == (2, 9, "Fix repairs")


@pytest.mark.parametrize(("changed", "field"), [
    ({"product_satisfaction": 0}, "product_satisfaction"),
    ({"manager_importance": 6}, "manager_importance"),
    ({"in_sale_importance": None}, "in_sale_importance"),
    ({"pre_sale_satisfaction": "three"}, "pre_sale_satisfaction"),
    ({"pre_sale_satisfaction": True}, "pre_sale_satisfaction"),
    ({"nps": 11}, "nps"),
    ({"nps": -1}, "nps"),
], ids=["zero", "six", "missing", "text", "bool", "nps-11", "nps-negative"])
def test_a_value_off_the_scale_is_refused_and_nothing_is_written(survey, changed, field):
    with pytest.raises(SurveyError) as refused:
        survey_respond(survey_id=survey.pk, member_id=MemberFactory().pk, answers={**answers(), **changed})

    assert set(refused.value.errors) == {field}
    assert not SurveyResponse.objects.exists()


def test_a_long_comment_and_a_closed_survey_are_refused(survey):
    member = MemberFactory()
    with pytest.raises(SurveyError) as refused:
        survey_respond(survey_id=survey.pk, member_id=member.pk, answers=answers(), comment="x" * 2001)
    assert set(refused.value.errors) == {"comment"}

    closed = Survey.objects.create(title="Old", live=False)
    with pytest.raises(SurveyError) as refused:
        survey_respond(survey_id=closed.pk, member_id=member.pk, answers=answers())
    assert set(refused.value.errors) == {"__all__"}
    assert not SurveyResponse.objects.exists()


def test_a_member_answers_a_survey_once(survey):
    member = MemberFactory()
    first = survey_respond(survey_id=survey.pk, member_id=member.pk, answers=answers(nps=3))

    with pytest.raises(SurveyError) as refused:
        survey_respond(survey_id=survey.pk, member_id=member.pk, answers=answers(nps=10))

    assert refused.value.already_answered
    assert list(SurveyResponse.objects.values_list("pk", "nps")) == [(first.pk, 3)]
    other = Survey.objects.create(title="Another", live=True)
    survey_respond(survey_id=other.pk, member_id=member.pk, answers=answers())  # another survey is fine


def test_the_portal_form_stores_the_answers_and_a_second_visit_says_it_is_answered(client, survey):
    user = UserFactory()
    member = MemberFactory(user=user, language="en")
    client.force_login(user)
    url = reverse("portal:survey_answer", args=[survey.pk])
    assert url == survey.get_portal_url() == f"/portal/surveys/{survey.pk}/"

    page = client.get(url).content.decode()
    assert page.count("<fieldset") == 5 + 5 * 2 + 1 and page.count("<legend>") == 16
    incomplete = client.post(url, {k: v for k, v in answers().items() if k != "nps"})
    assert incomplete.status_code == 400 and not SurveyResponse.objects.exists()
    done = client.post(url, {**answers(), "comment": "Great club"})
    assert done.status_code == 200 and "Thank you for your answers." in done.content.decode()
    assert SurveyResponse.objects.get().member_id == member.pk

    again = client.post(url, answers(satisfaction=1))
    assert "You have already answered this survey." in again.content.decode()
    assert SurveyResponse.objects.get().product_satisfaction == 4


def test_the_portal_refuses_a_closed_survey(client):
    user = UserFactory()
    MemberFactory(user=user, language="en")
    closed = Survey.objects.create(title="Old", live=False)
    client.force_login(user)

    assert client.get(reverse("portal:survey_answer", args=[closed.pk])).status_code == 404


def test_the_erasure_blanks_the_comment_and_keeps_the_figures(survey):
    member = MemberFactory()
    survey_respond(survey_id=survey.pk, member_id=member.pk, answers=answers(), comment="Call me on 0912…")

    member_erase(member_id=member.pk, source=MemberErasure.Source.STAFF)

    stored = SurveyResponse.objects.get()
    assert (stored.comment, stored.product_satisfaction, stored.nps) == ("", 4, 9)
