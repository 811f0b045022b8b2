"""A marketer types a threshold in the segment rule editor and sees the live count change
before saving, then publishes: in chromium."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from club.members.models import Member, Segment
from club.profiles.models import SegmentRuleSet
from tests.integration.members.factories_admin import staff_with_mfa
from tests.integration.segments.helpers import member_with_profile
from tests.mfa_login import login_with_mfa

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RULES_PATH = reverse("segment_rules:list")
PERMISSIONS = ("wagtailadmin.access_admin", "profiles.change_segmentruleset",
               "profiles.publish_segmentruleset")


def log_in(page, live_server) -> None:
    """The admin's own login needs a TOTP code; a logged-in client's session does the same."""
    client = Client()
    login_with_mfa(client, staff_with_mfa(*PERMISSIONS))
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])


def vip_cell(page, column: str):
    return page.locator(f'[data-segment-live-count] tr[data-segment="vip"] td[data-{column}]')


def test_the_live_count_follows_the_typed_threshold(page, live_server, shot):
    for spend in ("13000000", "8000000", "7000000"):
        member_with_profile(profile={"spend_12m": Decimal(spend)})
    log_in(page, live_server)

    # given: the editor, counted with the default VIP threshold (12,000,000)
    page.goto(RULES_PATH)
    page.wait_for_selector("[data-live-count-table]")
    assert vip_cell(page, "by-rules").inner_text() == "1"
    shot("1-defaults")

    # when: typing a lower threshold, not saved
    page.locator("#id_vip_min_spend_12m").fill("7500000")
    page.locator("#id_vip_min_spend_12m").blur()
    expect(page.locator("[data-segment-live-count] tr[data-segment=vip] td[data-by-rules]")).to_have_text("2")
    shot("2-typed")
    assert SegmentRuleSet.objects.get().vip_min_spend_12m == Decimal("12000000")

    # when: a wrong value is typed, the panel says what to correct
    page.locator("#id_vip_min_spend_12m").fill("-1")
    page.locator("#id_vip_min_spend_12m").blur()
    page.wait_for_selector("[data-live-count-invalid]")
    shot("3-invalid")

    # then: publishing the lower threshold keeps it and the classification follows
    page.locator("#id_vip_min_spend_12m").fill("7500000")
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("published").first.wait_for()
    page.wait_for_selector("[data-live-count-table]")  # the reopened editor has counted again
    # No request of the page may still be in flight when the test's database access ends (in
    # the full suite, a late admin request then failed at teardown).
    page.wait_for_load_state("networkidle")
    shot("4-published")
    assert SegmentRuleSet.objects.get().vip_min_spend_12m == Decimal("7500000")
    from club.profiles.segments.services import segments_classify

    segments_classify()
    assert Member.objects.filter(segment=Segment.VIP).count() == 2
