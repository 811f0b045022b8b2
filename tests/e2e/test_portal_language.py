"""A subscriber switches the portal to Vietnamese with the switcher in the footer, in chromium:
the dashboard and the rewards page in Vietnamese, with Vietnamese numbers and dates; the choice
is stored as the member's language and survives logging out and in again. Also the dashboard in
Simplified Chinese and in Russian, and a login on a new browser opening in the member's language
(or in the one chosen on the login page)."""

from __future__ import annotations

import unicodedata

import pytest

from tests.factories import DEFAULT_PASSWORD, MemberFactory, UserFactory
from tests.integration.catalogue.factories import RewardFactory, give_points

from .conftest import log_in

pytestmark = pytest.mark.e2e

DASHBOARD = "/portal/"
NBSP = "\xa0"


def switch_language(page, *, label: str, to: str, code: str) -> None:
    """The footer's switcher: the option named ``to`` (picked by its value ``code``: Django's
    "Tiếng Việt" may compose its accents unlike the one typed here), then "Change"."""
    switcher = page.locator("form.language-switcher")
    select = switcher.get_by_label(label)
    assert nfc(select.locator(f"option[value='{code}']").inner_text()) == nfc(to)
    select.select_option(value=code)
    with page.expect_navigation():
        switcher.get_by_role("button").click()


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@pytest.fixture
def subscriber(db):
    """A linked line since 15 January 2020, 12,500 points, English pages; a 1,500-point reward."""
    member = MemberFactory(user=UserFactory(email="mai.vo@example.test"), language="en")
    give_points(member, 12_500)
    RewardFactory(name="2 GB data pack", points_cost=1_500)
    return member


def test_a_subscriber_switches_to_vietnamese_and_it_sticks(page, shot, subscriber):
    # given: the dashboard in English
    log_in(page, "mai.vo@example.test", DASHBOARD)
    assert page.locator("h1").inner_text() == "My club"
    assert page.get_by_test_id("points-available").inner_text() == "12,500"
    shot("1-dashboard-en")

    # when: choosing Tiếng Việt in the footer
    switch_language(page, label="Language", to="Tiếng Việt", code="vi")

    # then: the dashboard in Vietnamese, 12.500 points, "15 tháng 1 năm 2020"
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").inner_text() == "Câu lạc bộ của tôi"
    assert page.locator("#points-heading").inner_text() == "Điểm của bạn"
    assert page.get_by_test_id("points-available").inner_text() == "12.500"
    assert page.locator("dd").filter(has_text="15 tháng 1 năm 2020").count() == 1
    subscriber.refresh_from_db()
    assert subscriber.language == "vi"
    shot("2-dashboard-vi")

    # then: the next page too
    page.goto("/portal/rewards/")
    assert page.locator("h1").inner_text() == "Phần thưởng"
    assert page.get_by_test_id("rewards-balance").inner_text() == "Bạn có 12.500 điểm để đổi quà."
    assert page.get_by_test_id("catalogue-price").first.inner_text() == "1.500 điểm"
    shot("3-rewards-vi")

    # then: the preferences page shows the same language
    page.goto("/portal/preferences/")
    assert page.locator("#prefs-language select").evaluate("select => select.value") == "vi"
    shot("4-preferences-vi")

    # when: logging out and in again
    page.get_by_role("button", name="Đăng xuất").click()
    page.goto(f"/accounts/login/?next={DASHBOARD}")
    page.locator("#id_login").fill("mai.vo@example.test")
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    page.locator("form[action*='login'] button[type=submit]").click()
    page.wait_for_url(f"**{DASHBOARD}")

    # then: still Vietnamese
    assert page.locator("h1").inner_text() == "Câu lạc bộ của tôi"
    shot("5-dashboard-vi-after-login")


@pytest.mark.parametrize(
    ("code", "name", "heading", "points"),
    [("zh-hans", "简体中文", "我的俱乐部", "12,500"), ("ru", "Русский", "Мой клуб", f"12{NBSP}500")],
    ids=["zh-hans", "ru"],
)
def test_the_dashboard_in_chinese_and_russian(page, shot, subscriber, code, name, heading, points):
    log_in(page, "mai.vo@example.test", DASHBOARD)

    switch_language(page, label="Language", to=name, code=code)

    assert page.locator("h1").inner_text() == heading
    assert page.get_by_test_id("points-available").inner_text() == points
    shot("dashboard")


def test_a_login_on_a_new_browser_opens_in_the_members_language_unless_chosen_on_the_login_page(
    page, shot, subscriber
):
    # given: the member's stored language is Vietnamese; this browser has never been here
    subscriber.language = "vi"
    subscriber.save(update_fields=["language"])

    # when: logging in from the English login page
    log_in(page, "mai.vo@example.test", DASHBOARD)

    # then: the dashboard is Vietnamese at once
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").inner_text() == "Câu lạc bộ của tôi"
    shot("1-dashboard-vi-on-a-new-browser")

    # when: logging out, choosing Russian on the login page, logging in
    page.get_by_role("button", name="Đăng xuất").click()
    page.goto(f"/accounts/login/?next={DASHBOARD}")
    switch_language(page, label="Ngôn ngữ", to="Русский", code="ru")
    page.locator("#id_login").fill("mai.vo@example.test")
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    page.locator("form[action*='login'] button[type=submit]").click()
    page.wait_for_url(f"**{DASHBOARD}")

    # then: the choice wins and is stored
    assert page.locator("h1").inner_text() == "Мой клуб"
    subscriber.refresh_from_db()
    assert subscriber.language == "ru"
    shot("2-dashboard-ru-chosen-on-the-login-page")
