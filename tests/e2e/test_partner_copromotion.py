"""A partner proposes a co-promotion, a marketer sets the terms and submits its campaign, an
approver approves it, and the partner sees it running: in chromium."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from partners.copromotions.models import CoPromotion
from tests.integration.members.factories_admin import staff_with_mfa
from tests.mfa_login import login_with_mfa
from tests.partner_fixtures import PartnerUserFactory, partner_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CAMPAIGNS = "wagtailsnippets_campaigns_campaign"


@pytest.fixture(autouse=True)
def review_groups(transactional_db):
    """The groups, workflow and permissions the migrations create (a transactional test that
    ran before flushed them away); both functions are idempotent."""
    importlib.import_module("campaigns.migrations.0002_campaign_approval_workflow").create_workflow(
        apps, None
    )
    importlib.import_module("partners.copromotions.migrations.0002_review_permissions").grant(apps, None)


def use_session(page, live_server, client: Client) -> None:
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def as_partner(page, live_server, user) -> None:
    """The portal's login with its TOTP step, as a session (tests.partner_fixtures)."""
    client = Client()
    partner_login(client, user)
    use_session(page, live_server, client)


def as_staff(page, live_server, group: str) -> None:
    user = staff_with_mfa()
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    login_with_mfa(client, user)
    use_session(page, live_server, client)


def test_a_partner_proposes_the_operator_approves_and_the_partner_sees_it_running(page, live_server, shot):
    partner_user = PartnerUserFactory(partner__name="Streamly", partner__slug="streamly")

    # given: the partner's administrator proposes a co-promotion
    as_partner(page, live_server, partner_user.user)
    page.goto(reverse("partners:copromotion_new"))
    page.get_by_label("Title").fill("Two months of Streamly")
    page.get_by_label("Offer text (English)").fill("Two months of Streamly free for club members.")
    page.get_by_label("Offer text (Vietnamese)").fill("Hai tháng Streamly miễn phí cho hội viên.")
    page.get_by_label("What the member gets").select_option("bonus_points")
    page.get_by_label("Bonus points").fill("500")
    page.get_by_label("Budget (VND)").fill("5000000")
    page.get_by_label("Starts on").fill(_today().isoformat())
    page.get_by_label("Ends on").fill(_today().replace(year=_today().year + 1).isoformat())
    page.get_by_label("VIP").check()
    shot("1-propose")
    page.get_by_role("button", name="Save the draft").click()
    copromotion = CoPromotion.objects.get()
    page.wait_for_url(f"**{reverse('partners:copromotion_detail', args=[copromotion.pk])}")

    # when: it adds codes and submits it
    page.get_by_label("How many codes").fill("50")
    page.get_by_role("button", name="Generate codes").click()
    page.get_by_text("50 codes generated.").wait_for()
    page.get_by_role("button", name="Submit for review").click()
    page.get_by_text("Submitted for review", exact=True).first.wait_for()
    shot("2-submitted")
    copromotion.refresh_from_db()
    assert (copromotion.state, copromotion.codes.count()) == ("submitted", 50)

    # when: a marketer sets the terms and submits the co-promotion's campaign for approval
    as_staff(page, live_server, "Marketers")
    page.goto(reverse("copromotions:edit", args=[copromotion.pk]))
    page.get_by_label("Funding per redemption").fill("5000")
    page.get_by_label("Price per point").fill("20")
    shot("3-terms")
    page.get_by_role("button", name="Save").click()
    page.goto(reverse(f"{CAMPAIGNS}:edit", args=[copromotion.campaign_id]))
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Submit to Campaign approval").click()
    page.wait_for_url(f"**{reverse(f'{CAMPAIGNS}:list')}**")

    # and: an approver approves it
    as_staff(page, live_server, "Campaign approvers")
    page.goto(reverse(f"{CAMPAIGNS}:edit", args=[copromotion.campaign_id]))
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Approve and Publish", exact=True).click()
    page.wait_for_url(f"**{reverse(f'{CAMPAIGNS}:list')}**")
    shot("4-approved")

    # then: the partner sees it running, with the agreed terms
    as_partner(page, live_server, partner_user.user)
    page.goto(reverse("partners:copromotions"))
    row = page.locator(f"[data-copromotion='{copromotion.pk}']")
    assert row.locator("[data-status]").get_attribute("data-status") == "running"
    shot("5-running")
    page.goto(reverse("partners:copromotion_detail", args=[copromotion.pk]))
    terms = page.locator("[data-copromotion-terms]").inner_text()
    shot("6-detail")
    assert "5,000 VND" in terms and "20 VND" in terms
    copromotion.refresh_from_db()
    assert (copromotion.state, copromotion.campaign.live, copromotion.status) == ("approved", True, "running")


def _today():
    from django.utils import timezone

    return timezone.localdate()
