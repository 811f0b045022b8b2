"""A marketer limits an earning rule to segments in the admin (ticked boxes, stored as a list)."""

from __future__ import annotations

import pytest

from rewards.earning.models import EarningRule
from rewards.earning.selectors import live_rule_specs

from .test_admin import ADD_URL, editor, rule_form  # noqa: F401  (editor is a fixture)

pytestmark = pytest.mark.django_db


def test_a_rule_limited_to_segments(editor):  # noqa: F811
    response = editor.post(ADD_URL, {**rule_form(), "segments": ["control_seekers", "vip"]})

    assert response.status_code == 302, response.context["form"].errors
    assert EarningRule.objects.get(name="Bills").segments == ["control_seekers", "vip"]
    assert live_rule_specs()[0].segments == frozenset({"control_seekers", "vip"})


def test_no_segment_ticked_means_every_member(editor):  # noqa: F811
    editor.post(ADD_URL, rule_form())

    assert EarningRule.objects.get(name="Bills").segments == []
    assert live_rule_specs()[0].segments == frozenset()


def test_an_unknown_segment_is_refused(editor):  # noqa: F811
    response = editor.post(ADD_URL, {**rule_form(), "segments": ["gold"]})

    assert response.status_code == 200 and not EarningRule.objects.exists()
