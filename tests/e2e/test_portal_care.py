"""A subscriber answers a satisfaction survey, then files a complaint and sees it listed, in
chromium: the survey's scales are radio groups named by their legends."""

from __future__ import annotations

import pytest

from club.care.models import Complaint, Dimension, Survey, SurveyResponse
from tests.factories import MemberFactory, UserFactory

from .conftest import log_in

pytestmark = pytest.mark.e2e

SATISFACTION = {"product": "4", "pre_sale": "3", "in_sale": "5 – very satisfied", "after_sale": "2",
                "manager": "4"}


def test_a_subscriber_answers_a_survey_then_files_a_complaint(page, shot):
    # given: a linked subscriber who reads English and a live survey
    member = MemberFactory(user=UserFactory(email="minh.tran@example.test"), language="en")
    survey = Survey.objects.create(title="How are we doing?", live=True, intro="Two minutes, five questions.")
    log_in(page, "minh.tran@example.test", f"/portal/surveys/{survey.pk}/")
    shot("1-survey")

    # when: answering every scale by its label, and the NPS
    for dimension in Dimension:
        group = page.get_by_role("group", name=str(dimension.label), exact=True)
        group.get_by_role("group", name="How satisfied are you?").get_by_label(
            SATISFACTION[dimension.value], exact=True).check()
        group.get_by_role("group", name="How important is it to you?").get_by_label(
            "5 – very important", exact=True).check()
    page.get_by_role("group", name="How likely are you to recommend us").get_by_label("9", exact=True).check()
    page.get_by_label("Anything else you would like to tell us? (optional)").fill("Repairs take too long.")
    shot("2-answered")
    page.get_by_role("button", name="Send my answers").click()

    # then: thanked, and the answers are stored
    page.get_by_text("Thank you for your answers.").wait_for()
    response = SurveyResponse.objects.get(member=member)
    assert (response.after_sale_satisfaction, response.after_sale_importance, response.nps) == (2, 5, 9)
    shot("3-thanks")

    # when: following the link to file a complaint
    page.get_by_role("link", name="Tell us in a complaint").click()
    page.get_by_label("What is it about?").select_option("Network and coverage")
    page.get_by_label("Subject").fill("No signal in my building")
    page.get_by_label("What happened?").fill("Since Monday there is no signal on floors 10 to 14.")
    shot("4-complaint-form")
    page.get_by_role("button", name="Send my complaint").click()

    # then: its page with the timeline, and "My complaints" lists it as open
    page.get_by_role("heading", name="No signal in my building").wait_for()
    assert Complaint.objects.get(member=member).category == "network"
    shot("5-complaint")
    page.get_by_role("link", name="Back to my complaints").click()
    row = page.locator("[data-complaints] tbody tr").filter(has_text="No signal in my building")
    assert "Open" in row.inner_text()
    shot("6-my-complaints")
