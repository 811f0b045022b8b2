"""Every screen of the admin's Rewards menu opens for a marketer, with the demo's data in it.

A walk over the menu group itself, so a screen added later is covered without a new test.
"""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse

from cms.demo.financial import _demo_rules_load, _demo_tiers_load
from cms.demo.financial_discounts import demo_discounts_load
from rewards.wagtail_hooks import RewardsGroup
from tests.integration.members.factories_admin import staff_with_mfa
from tests.mfa_login import login_with_mfa

pytestmark = pytest.mark.django_db


def _viewsets():
    return list(RewardsGroup().items)


def _url(viewset, name, *args):
    try:
        return reverse(viewset.get_url_name(name), args=args)
    except NoReverseMatch:
        return None


@pytest.fixture
def marketer(client):
    _demo_tiers_load()
    _demo_rules_load()
    demo_discounts_load()
    login_with_mfa(client, staff_with_mfa(is_superuser=True))
    return client


def test_the_rewards_menu_lists_its_screens():
    names = {type(viewset).__name__ for viewset in _viewsets()}
    assert len(names) >= 5, names


def test_every_rewards_screen_opens_with_its_objects(marketer):
    """Each list answers 200; add, edit and inspect answer 200 where the screen exists, or a
    refusal for view-only screens (quarantine, billing events), never a server error."""
    opened = []
    for viewset in _viewsets():
        response = marketer.get(viewset.menu_url)
        assert response.status_code == 200, (viewset.menu_url, response.status_code)
        opened.append(viewset.menu_url)
        first = viewset.model._default_manager.order_by("pk").first()
        urls = [_url(viewset, "add")]
        urls += [first and _url(viewset, view, first.pk) for view in ("edit", "inspect")]
        for url in filter(None, urls):
            status = marketer.get(url).status_code
            assert status in (200, 302, 403), (url, status)
            if status == 200:
                opened.append(url)
    assert len(opened) >= 15, opened
