"""A campaign whose offer is a satisfaction survey (club.care): the survey is required (and
only for that kind), the offer line names it, and taking the offer in the portal opens the
survey's page, where the member answers it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from campaigns.offers.models import OfferAcceptance
from campaigns.offers.texts import offer_summary
from campaigns.validation import campaign_errors
from club.care.models import Survey
from tests.factories import MemberFactory, UserFactory
from tests.integration.campaigns.factories import CampaignFactory, delivered

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey():
    return Survey.objects.create(title="How are we doing?", live=True)


def test_a_survey_offer_needs_its_survey_and_other_offers_refuse_one(survey):
    assert set(campaign_errors(CampaignFactory.build(offer_kind="survey"))) >= {"survey"}
    assert "survey" not in campaign_errors(CampaignFactory.build(offer_kind="survey", survey=survey))
    assert "survey" in campaign_errors(CampaignFactory.build(offer_kind="message", survey=survey))


def test_taking_the_offer_opens_the_survey_in_the_portal(client, survey):
    user = UserFactory()
    member = MemberFactory(user=user, language="en")
    campaign = CampaignFactory(offer_kind="survey", survey=survey, objective="retain",
                               relationship_tier="social")
    delivery = delivered(campaign, member)
    client.force_login(user)

    assert offer_summary(campaign) == "Your opinion counts: How are we doing?"
    dashboard = client.get(reverse("portal:dashboard")).content.decode()
    assert "Answer the survey" in dashboard
    taken = client.post(reverse("portal:offer_accept", args=[delivery.pk]))

    assert taken.status_code == 302 and taken.url == f"/portal/surveys/{survey.pk}/"
    assert OfferAcceptance.objects.filter(member=member, campaign=campaign).count() == 1
    assert client.get(taken.url).status_code == 200
