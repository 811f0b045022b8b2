"""The operator's review in the Wagtail admin: marketers see the proposal, set the terms and
approve through the campaign's workflow; the co-promotion then runs as a live campaign."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import WorkflowState

from campaigns.models import Campaign
from partners.copromotions.models import CoPromotion
from partners.copromotions.services import (
    copromotion_codes_generate,
    copromotion_propose,
    copromotion_submit,
)
from tests.integration.members.factories_admin import staff_with_mfa
from tests.mfa_login import login_with_mfa
from tests.partner_fixtures import PartnerUserFactory, partner_login

from .copromotion_factories import proposal

pytestmark = pytest.mark.django_db

CAMPAIGNS = "wagtailsnippets_campaigns_campaign"


def in_group(name: str):
    user = staff_with_mfa()
    user.groups.add(Group.objects.get(name=name))
    return user


@pytest.fixture
def submitted():
    partner_user = PartnerUserFactory(partner__name="Streamly", partner__slug="streamly")
    copromotion = copromotion_propose(
        partner_id=partner_user.partner_id,
        user_id=partner_user.user_id,
        data=proposal(benefit_kind="bonus_points", bonus_points=500),
    )
    copromotion_codes_generate(copromotion_id=copromotion.pk, count=10)
    return copromotion_submit(
        copromotion_id=copromotion.pk, partner_id=partner_user.partner_id, user_id=partner_user.user_id
    )


def submit_campaign(campaign: Campaign, user) -> WorkflowState:
    """The marketer's "Submit to Campaign approval" on the campaign."""
    return campaign.get_workflow().start(campaign, user)


def test_a_marketer_reviews_and_sets_the_terms(client, submitted):
    login_with_mfa(client, in_group("Marketers"))

    listing = client.get(reverse("copromotions:index"))
    inspect = client.get(reverse("copromotions:inspect", args=[submitted.pk]))
    saved = client.post(
        reverse("copromotions:edit", args=[submitted.pk]),
        {
            "funding_per_redemption": "5000",
            "price_per_point": "20",
            "revenue_share_percent": "",
            "review_comment": "Agreed on the call of 3 Dec.",
        },
    )

    assert listing.status_code == inspect.status_code == 200
    assert "Two months of Streamly" in listing.content.decode()
    assert reverse(f"{CAMPAIGNS}:edit", args=[submitted.campaign_id]) in inspect.content.decode()
    assert saved.status_code == 302, saved.context and saved.context["form"].errors
    submitted.refresh_from_db()
    assert (submitted.funding_per_redemption, submitted.price_per_point, submitted.state) == (
        Decimal(5000),
        Decimal(20),
        "submitted",
    )
    assert client.get(reverse("copromotions:add")).status_code in (302, 403, 404)


def test_approving_the_campaign_approves_the_copromotion_and_it_runs(client, submitted):
    marketer = in_group("Marketers")
    state = submit_campaign(submitted.campaign, marketer)

    login_with_mfa(client, in_group("Campaign approvers"))
    approved = client.post(
        reverse(
            f"{CAMPAIGNS}:workflow_action",
            args=(submitted.campaign_id, "approve", state.current_task_state.pk),
        ),
        {"comment": "Fine"},
    )

    assert approved.status_code in (200, 302)
    submitted.refresh_from_db()
    assert (submitted.state, submitted.campaign.live, submitted.status) == ("approved", True, "running")
    assert submitted.decided_by is not None
    locked = client.post(
        reverse("copromotions:edit", args=[submitted.pk]),
        {
            "funding_per_redemption": "1",
            "price_per_point": "1",
            "revenue_share_percent": "",
            "review_comment": "",
        },
    )
    assert locked.status_code == 200
    assert CoPromotion.objects.get().funding_per_redemption == Decimal(0)


def test_asking_for_changes_rejects_the_copromotion(client, submitted):
    state = submit_campaign(submitted.campaign, in_group("Marketers"))

    login_with_mfa(client, in_group("Campaign approvers"))
    client.post(
        reverse(
            f"{CAMPAIGNS}:workflow_action",
            args=(submitted.campaign_id, "reject", state.current_task_state.pk),
        ),
        {"comment": "The budget is too small for this audience."},
    )

    submitted.refresh_from_db()
    assert (submitted.state, submitted.campaign.live) == ("rejected", False)
    assert submitted.review_comment == "The budget is too small for this audience."


def test_a_partner_user_never_reaches_the_admin(client, submitted):
    partner_user = PartnerUserFactory(partner=submitted.partner)
    partner_login(client, partner_user.user)

    for url in (reverse("copromotions:index"), reverse("copromotions:inspect", args=[submitted.pk])):
        response = client.get(url)
        assert response.status_code in (302, 403)
        assert "Two months of Streamly" not in response.content.decode()


def test_the_admin_list_reads_a_page_in_a_fixed_number_of_queries(
    client, submitted, django_assert_max_num_queries
):
    for _ in range(4):
        copromotion = copromotion_propose(
            partner_id=submitted.partner_id, user_id=submitted.created_by_id, data=proposal()
        )
        copromotion_codes_generate(copromotion_id=copromotion.pk, count=1)
        copromotion_submit(
            copromotion_id=copromotion.pk, partner_id=submitted.partner_id, user_id=submitted.created_by_id
        )
    login_with_mfa(client, in_group("Marketers"))
    client.get(reverse("copromotions:index"))  # warm caches (permissions, site settings)

    with django_assert_max_num_queries(13):
        response = client.get(reverse("copromotions:index"))

    assert response.status_code == 200
    assert response.content.decode().count("Two months of Streamly") >= 5
