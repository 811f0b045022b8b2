"""A marketer drafts a campaign and submits it; an approver approves it: in chromium."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from campaigns.audiences.models import Audience
from campaigns.models import Campaign
from tests.integration.members.factories_admin import staff_with_mfa
from tests.mfa_login import login_with_mfa

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NAMESPACE = "wagtailsnippets_campaigns_campaign"
ADD_PATH, LIST_PATH = reverse(f"{NAMESPACE}:add"), reverse(f"{NAMESPACE}:list")


@pytest.fixture(autouse=True)
def approval_workflow(transactional_db):
    """The groups and the workflow migration campaigns 0002 creates, put back the way it does
    (idempotent): a transactional test that ran before flushed them away."""
    migration = importlib.import_module("campaigns.migrations.0002_campaign_approval_workflow")
    migration.create_workflow(apps, None)


def log_in(page, live_server, group: str = "", permissions: tuple[str, ...] = ()) -> None:
    """The admin's own login needs a TOTP code; a client's session with the password and TOTP
    steps recorded (``login_with_mfa``) is the same thing for the screens under test.
    ``group``: one migration campaigns 0002 creates."""
    user = staff_with_mfa(*permissions)
    if group:
        user.groups.add(Group.objects.get(name=group))
    client = Client()
    login_with_mfa(client, user)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])


def test_a_marketer_drafts_and_submits_then_an_approver_approves(page, live_server, shot):
    Audience.objects.create(name="Prepaid in Hanoi")

    # given: a marketer on the new campaign screen
    log_in(page, live_server, "Marketers")
    page.goto(ADD_PATH)
    page.locator("#id_name").fill("Weekend data")
    page.locator("#id_objective").select_option("upsell")
    page.locator("#id_relationship_tier").select_option("financial")
    page.get_by_role("button", name="Choose audience").click()
    page.get_by_role("link", name="Prepaid in Hanoi").click()
    page.get_by_role("tab", name="Offer and messages").click()
    page.locator("#id_offer_kind").select_option("bonus_points")
    page.locator("#id_bonus_points").fill("500")
    page.locator("#id_messages-0-language").select_option("en")
    page.locator("#id_messages-0-title").fill("Double data this weekend")
    page.locator("#id_messages-0-body").fill("Top up 100,000 VND and get 500 points.")
    shot("1-editor")

    # when: previewing what a member sees
    page.get_by_role("button", name="Toggle preview").click()
    preview = page.locator("iframe[title='Preview']").last.content_frame  # Wagtail swaps iframes on reload
    preview.get_by_role("heading", name="Double data this weekend").wait_for()
    assert preview.get_by_text("500 bonus points").is_visible()
    shot("2-preview")

    # when: submitting it for approval
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Submit to Campaign approval").click()
    page.wait_for_url(f"**{LIST_PATH}")
    campaign = Campaign.objects.get(name="Weekend data")
    assert campaign.live is False
    shot("3-submitted")

    # then: an approver approves it from the editor, and it goes live
    log_in(page, live_server, "Campaign approvers")
    page.goto(reverse(f"{NAMESPACE}:edit", args=(campaign.pk,)))
    page.get_by_role("button", name="More actions").click()
    shot("4-approver-actions")
    page.get_by_role("button", name="Approve and Publish", exact=True).click()
    page.wait_for_url(f"**{LIST_PATH}**")
    shot("5-approved")
    campaign.refresh_from_db()
    assert campaign.live is True


def test_a_campaign_report_draws_its_charts(page, live_server, shot):
    from django.utils import timezone

    from campaigns.contact.models import Delivery, Suppression
    from tests.factories import MemberFactory
    from tests.integration.campaigns.factories import CampaignFactory

    campaign = CampaignFactory(name="Birthday bonus")
    now = timezone.now()
    for index, member in enumerate(MemberFactory.create_batch(6)):
        if index < 4:
            Delivery.objects.create(campaign=campaign, member=member, channel=("sms", "portal")[index % 2],
                                    occurrence="once", status="sent", reserved_at=now, sent_at=now)
        else:
            Suppression.objects.create(campaign=campaign, member=member, channel="portal", occurrence="once",
                                       reason=("holdout", "channel_cap")[index % 2], at=now)
    log_in(page, live_server, permissions=("wagtailadmin.access_admin", "campaigns.view_campaign"))

    page.goto(reverse("campaign_reports:detail", args=(campaign.pk,)))

    page.get_by_role("heading", name="Report: Birthday bonus").wait_for()
    drawn = page.evaluate("['chart-daily', 'chart-funnel', 'chart-reasons']"
                          ".map((id) => Boolean(Chart.getChart(document.getElementById(id))))")
    shot("report")
    assert drawn == [True, True, True]
