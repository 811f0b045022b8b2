"""Campaigns in the admin: the editor's checks, the approval workflow, the member's preview."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from campaigns.audiences.models import Audience
from campaigns.models import Campaign
from tests.integration.members.factories_admin import staff_with_mfa
from tests.mfa_login import login_with_mfa

pytestmark = pytest.mark.django_db

NAMESPACE = "wagtailsnippets_campaigns_campaign"
ADD_URL = reverse(f"{NAMESPACE}:add")


@pytest.fixture
def audience():
    return Audience.objects.create(name="Everyone")


def in_group(name: str):
    user = staff_with_mfa()
    user.groups.add(Group.objects.get(name=name))
    return user


@pytest.fixture
def marketer(client):
    login_with_mfa(client, in_group("Marketers"))
    return client


def campaign_form(audience, *, messages=None, action=None, **changes):
    messages = messages if messages is not None else [
        {"language": "en", "title": "Double data", "body": "Twice the data this weekend.",
         "sms_text": "Twice the data this weekend!"},
    ]
    data = {
        "name": "Weekend data", "objective": "upsell", "relationship_tier": "financial",
        "audience": str(audience.pk), "priority": "60", "holdout_percent": "10",
        "offer_kind": "bonus_points", "bonus_points": "500", "discount_percent": "", "reward": "",
        "content_page": "", "offer_valid_days": "14",
        "send_portal": "on", "send_sms": "on", "counts_toward_caps": "on",
        "schedule_kind": "one_shot", "send_at": "", "cron": "", "trigger": "",
        "go_live_at": "", "expire_at": "",
        "max_per_window": "1", "window_days": "7", "min_gap_hours": "", "lifetime_max": "3",
        "budget": "5000000", "cost_per_delivery": "250",
        "messages": inline_formset([{"id": "", "ORDER": str(i + 1), **m} for i, m in enumerate(messages)],
                                   min=1),
    }
    data.update(changes)
    if action:
        data[action] = action
    return nested_form_data(data)


def test_a_marketer_saves_a_draft_campaign_with_its_messages(marketer, audience):
    response = marketer.post(ADD_URL, campaign_form(audience))

    assert response.status_code == 302, response.context["form"].errors
    campaign = Campaign.objects.get(name="Weekend data")
    assert (campaign.live, campaign.channels, campaign.bonus_points) == (False, ["portal", "sms"], 500)
    assert list(campaign.messages.values_list("language", "title")) == [("en", "Double data")]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"bonus_points": ""}, "bonus_points"),
        ({"discount_percent": "10"}, "discount_percent"),
        ({"schedule_kind": "recurring"}, "cron"),
        ({"schedule_kind": "recurring", "cron": "0 25 * * *"}, "cron"),
        ({"cron": "0 10 * * mon"}, "cron"),
        ({"schedule_kind": "triggered"}, "trigger"),
        ({"window_days": ""}, "window_days"),
        ({"send_portal": "", "send_sms": ""}, "send_portal"),
        ({"transactional": "", "counts_toward_caps": ""}, "counts_toward_caps"),
        ({"go_live_at": "2026-12-10 10:00", "expire_at": "2026-12-01 10:00"}, "expire_at"),
    ],
    ids=["points-missing", "discount-on-points-offer", "recurring-without-cron", "cron-invalid",
         "cron-on-one-shot", "triggered-without-trigger", "cap-without-window", "no-channel",
         "marketing-not-counted", "expires-before-live"],
)
def test_inconsistent_campaigns_are_refused_with_a_message(marketer, audience, changes, field):
    response = marketer.post(ADD_URL, campaign_form(audience, **changes))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Campaign.objects.exists()


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        ([{"language": "en", "title": "A", "body": "B", "sms_text": ""}], "every message needs an SMS text"),
        ([{"language": "en", "title": "A", "body": "B", "sms_text": "x"},
          {"language": "en", "title": "C", "body": "D", "sms_text": "y"}], "One message per language"),
    ],
    ids=["sms-text-missing", "language-twice"],
)
def test_messages_are_checked_as_a_whole(marketer, audience, messages, expected):
    response = marketer.post(ADD_URL, campaign_form(audience, messages=messages))

    assert response.status_code == 200
    assert any(expected in error for error in response.context["form"].non_field_errors())
    assert not Campaign.objects.exists()


def test_a_marketer_cannot_publish_but_submits_and_an_approver_approves(client, audience):
    marketer = in_group("Marketers")
    login_with_mfa(client, marketer)

    published = client.post(ADD_URL, campaign_form(audience, action="action-publish"))
    assert not Campaign.objects.filter(live=True).exists(), published.status_code

    Campaign.objects.all().delete()
    submitted = client.post(ADD_URL, campaign_form(audience, action="action-submit"))
    assert submitted.status_code == 302, submitted.context["form"].errors
    campaign = Campaign.objects.get()
    state = WorkflowState.objects.get(object_id=str(campaign.pk))
    assert (state.status, campaign.live) == ("in_progress", False)

    login_with_mfa(client, in_group("Campaign approvers"))
    approve_url = reverse(f"{NAMESPACE}:workflow_action",
                          args=(campaign.pk, "approve", state.current_task_state.pk))
    approved = client.post(approve_url, {"comment": "Fine"})

    assert approved.status_code in (200, 302)
    campaign.refresh_from_db()
    state.refresh_from_db()
    assert (state.status, campaign.live) == ("approved", True)


@pytest.mark.parametrize(
    ("mode", "expected"),
    [("portal:en", "Double data"), ("sms:en", "Twice the data this weekend!"),
     ("email:en", "Subject"), ("portal:vi", "No message in this language")],
)
def test_the_preview_shows_what_a_member_sees(marketer, audience, mode, expected):
    preview_url = reverse(f"{NAMESPACE}:preview_on_add")
    form = campaign_form(audience)

    posted = marketer.post(preview_url, form)
    shown = marketer.get(preview_url, {"mode": mode})

    assert posted.json()["is_valid"] is True
    assert expected in shown.content.decode()
    assert "500 bonus points" in shown.content.decode() or mode.startswith("sms")


def test_the_editor_links_to_reach_sends_and_results(marketer, audience):
    marketer.post(ADD_URL, campaign_form(audience))
    campaign = Campaign.objects.get()

    page = marketer.get(reverse(f"{NAMESPACE}:edit", args=(campaign.pk,))).content.decode()

    assert reverse("campaign_reports:detail", args=(campaign.pk,)) in page
    assert reverse("sends:reach", args=(campaign.pk,)) in page
    assert f"{reverse('sends:index')}?campaign={campaign.pk}" in page
