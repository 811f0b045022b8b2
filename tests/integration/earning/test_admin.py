"""Earning rules in the Rewards admin: create with multipliers, validate, publish."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from rewards.earning.models import EarningRule
from tests.integration.members.factories_admin import staff_with_mfa
from tests.mfa_login import login_with_mfa

pytestmark = pytest.mark.django_db

# Resolved at import, before the test database is created: loading the admin URLs registers
# the snippet viewsets, so that migrate creates the snippets' publish and lock permissions.
NAMESPACE = "wagtailsnippets_earning_earningrule"
LIST_URL, ADD_URL = reverse(f"{NAMESPACE}:list"), reverse(f"{NAMESPACE}:add")
EDITOR_PERMISSIONS = (
    "wagtailadmin.access_admin", "earning.add_earningrule", "earning.change_earningrule",
    "earning.publish_earningrule", "earning.view_earningrule",
)


@pytest.fixture
def editor(client):
    login_with_mfa(client, staff_with_mfa(*EDITOR_PERMISSIONS))
    return client


def rule_form(*, multipliers=(), publish=True, **changes):
    data = {
        "name": "Bills", "event_kind": "bill_paid", "amount_points": "1", "amount_step": "10000",
        "data_points": "0", "data_step_mb": "100", "voice_points": "0", "voice_step_minutes": "1",
        "sms_points": "0", "sms_step": "1", "anniversary_points": "0", "apply_tier_multiplier": "on",
        "cap_points": "", "cap_period": "", "valid_from": "", "valid_until": "", "stacking": "additive",
        "priority": "0",
        "multipliers": inline_formset(
            [{"id": "", "ORDER": str(i + 1), **row} for i, row in enumerate(multipliers)]
        ),
    }
    data.update(changes)
    if publish:
        data["action-publish"] = "action-publish"
    return nested_form_data(data)


def test_a_marketer_publishes_a_rule_with_multipliers(editor):
    response = editor.post(ADD_URL, rule_form(
        multipliers=[{"dimension": "segment", "value": "vip", "multiplier": "2"},
                     {"dimension": "tier", "value": "gold", "multiplier": "1.2"}],
        cap_points="500", cap_period="month",
    ))

    assert response.status_code == 302, response.context["form"].errors
    rule = EarningRule.objects.get(name="Bills")
    assert (rule.live, rule.cap_points, rule.cap_period) == (True, 500, "month")
    assert list(rule.multipliers.values_list("dimension", "value", "multiplier")) == [
        ("segment", "vip", Decimal("2.000")), ("tier", "gold", Decimal("1.200"))
    ]


def test_a_draft_rule_is_not_live(editor):
    response = editor.post(ADD_URL, rule_form(publish=False))

    assert response.status_code == 302
    assert EarningRule.objects.get(name="Bills").live is False


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"cap_points": "100", "cap_period": ""}, "cap_period"),
        ({"valid_from": "2026-06-15 10:00", "valid_until": "2026-06-01 10:00"}, "valid_until"),
        ({"amount_step": "0"}, "amount_step"),
    ],
    ids=["cap-without-period", "validity-reversed", "zero-step"],
)
def test_invalid_rules_are_refused_with_a_message(editor, changes, field):
    response = editor.post(ADD_URL, rule_form(**changes))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not EarningRule.objects.exists()


def test_an_unknown_segment_in_a_multiplier_is_refused(editor):
    response = editor.post(ADD_URL, rule_form(
        multipliers=[{"dimension": "segment", "value": "gamers", "multiplier": "2"}]
    ))

    assert response.status_code == 200
    assert not EarningRule.objects.exists()


def test_the_rule_list_shows_kind_and_cap(editor):
    editor.post(ADD_URL, rule_form(cap_points="500", cap_period="month"))

    html = editor.get(LIST_URL).content.decode()

    for text in ("Bills", "Bill paid", "500 / Calendar month"):
        assert text in html, text
