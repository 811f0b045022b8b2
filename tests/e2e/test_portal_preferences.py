"""A subscriber changes their preferences and downloads their data, in chromium: each section
saves alone (HTMX), the consent history shows the change, the export is a JSON file."""

from __future__ import annotations

import json

import pytest

from tests.factories import MemberFactory, UserFactory

from .conftest import log_in

pytestmark = pytest.mark.e2e

PREFERENCES = "/portal/preferences/"


def test_a_subscriber_turns_sms_off_sets_quiet_hours_and_sees_the_history(page, shot):
    # given: a linked subscriber who accepts SMS and reads English (a login opens in it)
    member = MemberFactory(user=UserFactory(email="thu.le@example.test"), consent_marketing=True,
                           consent_sms=True, consent_email=True, language="en")
    log_in(page, "thu.le@example.test", PREFERENCES)
    shot("1-preferences")

    # when: SMS is turned off and the channels saved
    channels = page.locator("#prefs-channels")
    channels.get_by_label("SMS").uncheck()
    channels.get_by_role("button").click()

    # then: the section alone comes back saved, and the history lists the change
    page.locator("#prefs-channels [role=status]").wait_for()
    page.locator("#consent-history").get_by_text("SMS").first.wait_for()
    member.refresh_from_db()
    assert (member.consent_sms, member.consent_email) == (False, True)
    shot("2-sms-off")

    # when: quiet hours from 22:00 to 07:00
    limits = page.locator("#prefs-limits")
    limits.get_by_label("Quiet hours from").fill("22:00")
    limits.get_by_label("Quiet hours until").fill("07:00")
    limits.get_by_role("button").click()
    page.locator("#prefs-limits [role=status]").wait_for()

    # then
    member.refresh_from_db()
    quiet = (member.quiet_hours_start.isoformat(), member.quiet_hours_end.isoformat())
    assert quiet == ("22:00:00", "07:00:00")
    shot("3-quiet-hours")


def test_a_subscriber_downloads_everything_held_about_them(page, shot, tmp_path):
    # given: a subscriber who reads English (a login opens in it)
    member = MemberFactory(user=UserFactory(email="quang.vo@example.test"), msisdn="+84901112233",
                           language="en")
    log_in(page, "quang.vo@example.test", PREFERENCES)

    # when
    with page.expect_download() as download:
        page.get_by_role("link", name="Download my data").click()
    path = tmp_path / "export.json"
    download.value.save_as(path)

    # then: a JSON file about this member
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["member"]["msisdn"] == "+84901112233"
    assert data["member"]["id"] == member.pk
    shot("after-download")
