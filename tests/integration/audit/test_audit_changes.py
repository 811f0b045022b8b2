"""Audit log, item 4 of issue 9: each audited area, changed through its real admin screen (or
its service where the admin calls one), records one entry naming the actor, the object and
the fields' values before and after (docs/audit.md)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from campaigns.audiences.models import Audience
from campaigns.contact.models import ContactPolicy
from campaigns.models import Campaign
from club.audit.models import AuditEntry
from rewards.discounts.models import DiscountSchedule
from rewards.earning.models import EarningRule
from rewards.tiers.models import Tier
from tests.integration.audit.helpers import only_entry
from tests.integration.campaigns.test_campaign_admin import campaign_form
from tests.integration.discounts.test_schedule_admin import form_data as schedule_form
from tests.integration.earning.test_admin import rule_form
from tests.integration.members.factories_admin import staff_with_mfa
from tests.integration.tiers.test_admin import TIER_PERMISSIONS, tier_form
from tests.mfa_login import login_with_mfa

pytestmark = pytest.mark.django_db

RULES = "wagtailsnippets_earning_earningrule"
TIERS = "wagtailsnippets_tiers_tier"
SCHEDULES = "wagtailsnippets_discounts_discountschedule"
CAMPAIGNS = "wagtailsnippets_campaigns_campaign"
# Resolved at import (see tests/integration/earning/test_admin.py): registers the viewsets.
RULE_ADD, TIER_ADD, SCHEDULE_ADD, CAMPAIGN_ADD = (
    reverse(f"{ns}:add") for ns in (RULES, TIERS, SCHEDULES, CAMPAIGNS)
)
RULE_EDITOR = ("wagtailadmin.access_admin", "earning.add_earningrule", "earning.change_earningrule",
               "earning.publish_earningrule", "earning.view_earningrule")
SCHEDULE_EDITOR = ("wagtailadmin.access_admin", "discounts.add_discountschedule",
                   "discounts.change_discountschedule", "discounts.publish_discountschedule",
                   "discounts.view_discountschedule")


def existing_rows(rows):
    """Inline rows that are already saved (their ids), as the admin posts them back."""
    return inline_formset([{"ORDER": str(i + 1), **row} for i, row in enumerate(rows)], initial=len(rows))


def login(client, *permissions, user=None):
    user = user or staff_with_mfa(*permissions)
    login_with_mfa(client, user)
    return user


def test_publishing_an_earning_rule_change_records_its_fields_and_multipliers(client):
    editor = login(client, *RULE_EDITOR)
    assert client.post(RULE_ADD, rule_form(amount_points="1")).status_code == 302
    rule = EarningRule.objects.get(name="Bills")
    created = only_entry(action="wagtail.create", object_id=str(rule.pk))
    assert created.changes["amount_points"] == [None, 1]

    response = client.post(reverse(f"{RULES}:edit", args=[rule.pk]), rule_form(
        amount_points="2", cap_points="500", cap_period="month",
        multipliers=[{"dimension": "tier", "value": "gold", "multiplier": "1.5"}],
    ))

    assert response.status_code == 302, response.context and response.context["form"].errors
    published = AuditEntry.objects.filter(action="wagtail.publish", object_id=str(rule.pk)).latest("id")
    assert published.user_id == editor.pk and published.actor_label == f"{editor.email} (#{editor.pk})"
    assert published.label == "Bills" and published.content_type.model == "earningrule"
    assert published.changes == {
        "amount_points": [1, 2],
        "cap_points": [None, 500],
        "cap_period": ["", "month"],
        "multipliers": [[], [{"sort_order": 0, "dimension": "tier", "value": "gold", "multiplier": "1.500"}]],
    }
    assert published.ip == "127.0.0.1"


def test_publishing_a_tier_change_records_before_and_after(client):
    login(client, *TIER_PERMISSIONS)
    client.post(TIER_ADD, tier_form(**{"action-publish": "action-publish"}))
    tier = Tier.objects.get(code="gold")

    client.post(reverse(f"{TIERS}:edit", args=[tier.pk]), tier_form(
        discount_percent="7", min_tenure_years="3", **{"action-publish": "action-publish"}
    ))

    published = AuditEntry.objects.filter(action="wagtail.publish", object_id=str(tier.pk)).latest("id")
    assert published.changes == {"min_tenure_years": [2, 3], "discount_percent": ["5.00", "7.00"]}


def test_a_saved_draft_records_how_it_differs_from_the_live_tier(client):
    login(client, *TIER_PERMISSIONS)
    client.post(TIER_ADD, tier_form(**{"action-publish": "action-publish"}))
    tier = Tier.objects.get(code="gold")

    client.post(reverse(f"{TIERS}:edit", args=[tier.pk]), tier_form(rank="25"))

    draft = AuditEntry.objects.filter(action="wagtail.edit", object_id=str(tier.pk)).latest("id")
    assert draft.changes == {"rank": [20, 25]}
    assert Tier.objects.get(pk=tier.pk).rank == 20  # the live tier is unchanged


def test_publishing_a_discount_schedule_change_records_brackets_and_bands(client):
    login(client, *SCHEDULE_EDITOR)
    client.post(SCHEDULE_ADD, schedule_form(brackets=[("10000000", "2")], bands=[("1", "1")]))
    schedule = DiscountSchedule.objects.get(name="Households 2026")

    bracket, band = schedule.volume_brackets.get(), schedule.tenure_bands.get()
    form = schedule_form(cap_percent="9")
    form.update(nested_form_data({
        "volume_brackets": existing_rows([{"id": bracket.pk, "spend_from": "10000000", "percent": "2.5"}]),
        "tenure_bands": existing_rows([{"id": band.pk, "years_from": "1", "percent": "1"}]),
    }))
    client.post(reverse(f"{SCHEDULES}:edit", args=[schedule.pk]), form)

    published = AuditEntry.objects.filter(action="wagtail.publish", object_id=str(schedule.pk)).latest("id")
    assert set(published.changes) == {"cap_percent", "volume_brackets"}, published.changes
    assert published.changes["cap_percent"] == ["8.00", "9.00"]
    before, after = published.changes["volume_brackets"]
    assert [row["percent"] for row in before] == ["2.00"] and [row["percent"] for row in after] == ["2.50"]


def test_a_campaign_cap_change_records_before_and_after(client):
    marketer = staff_with_mfa()
    marketer.groups.add(Group.objects.get(name="Marketers"))
    login(client, user=marketer)
    audience = Audience.objects.create(name="Everyone")
    assert client.post(CAMPAIGN_ADD, campaign_form(audience)).status_code == 302
    campaign = Campaign.objects.get(name="Weekend data")
    message = campaign.messages.get()

    form = campaign_form(audience, max_per_window="2", lifetime_max="5")
    form.update(nested_form_data({"messages": inline_formset([{
        "id": str(message.pk), "ORDER": "1", "language": "en", "title": "Double data",
        "body": "Twice the data this weekend.", "sms_text": "Twice the data this weekend!",
    }], initial=1, min=1)}))
    response = client.post(reverse(f"{CAMPAIGNS}:edit", args=[campaign.pk]), form)

    assert response.status_code == 302, response.context and response.context["form"].errors
    edited = only_entry(action="wagtail.edit", object_id=str(campaign.pk))
    assert edited.changes == {"max_per_window": [1, 2], "lifetime_max": [3, 5]}
    assert edited.actor_label == f"{marketer.email} (#{marketer.pk})"


def test_a_frequency_cap_change_in_the_contact_policy_records_before_and_after(client):
    login(client, "wagtailadmin.access_admin", "contact.change_contactpolicy")
    policy = ContactPolicy.load()
    url = reverse("wagtailsettings:edit", args=["contact", "contactpolicy", policy.pk])
    form = {
        "sms_max": "2", "sms_window_days": str(policy.sms_window_days),
        "email_max": str(policy.email_max), "email_window_days": str(policy.email_window_days),
        "portal_max": "", "portal_window_days": str(policy.portal_window_days),
        "fatigue_max": str(policy.fatigue_max), "fatigue_window_days": str(policy.fatigue_window_days),
        "quiet_hours_start": f"{policy.quiet_hours_start:%H:%M}",
        "quiet_hours_end": f"{policy.quiet_hours_end:%H:%M}",
        "sms_cost": "0", "email_cost": "0", "portal_cost": "0",
    }

    response = client.post(url, form)

    assert response.status_code == 302, response.context and response.context["form"].errors
    edited = only_entry(action="wagtail.edit", content_type__model="contactpolicy")
    assert edited.changes == {"sms_max": [3, 2]}
