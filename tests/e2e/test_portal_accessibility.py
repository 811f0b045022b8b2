"""Accessibility of the portal in chromium: axe-core (bundled by axe-playwright-python, no CDN) on
every page a subscriber sees, on a 360 px phone and a 1280 px screen; keyboard use of the
dashboard; no horizontal scrolling and a usable menu on a phone.

The pages hold the demo operator (``load_demo``, a few subscribers) plus, for the demo
subscriber Lan, two offers in the inbox and a partner voucher, so every dashboard block has data.
"""

from __future__ import annotations

import re
from io import StringIO

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect
from wagtail.models import Locale, Page

from campaigns.models import CampaignMessage
from campaigns.offers.models import OfferAcceptance
from club.members.models import Member
from cms.demo.people import DEMO_SUBSCRIBERS
from rewards.catalogue.models import Reward
from rewards.catalogue.services import redemption_create
from rewards.ledger.selectors import points_balance
from tests.factories import UserFactory
from tests.integration.campaigns.factories import CampaignFactory, delivered
from tests.integration.catalogue.factories import give_points
from tests.integration.contact.conftest import _gate_prefix  # noqa: F401 (a fixture, used below)

from .conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("_gate_prefix")]

PHONE = {"width": 360, "height": 740}
SCREEN = {"width": 1280, "height": 800}
SIZES = [pytest.param(PHONE, id="phone-360"), pytest.param(SCREEN, id="screen-1280")]
LAN = DEMO_SUBSCRIBERS[0]
UNLINKED_EMAIL = "khanh.do@example.test"
BLOCKING = {"serious", "critical"}
PUBLIC_PAGES = ["/", "/tiers/", "/rewards/", "/articles/", "/articles/welcome-to-the-club/", "/events/",
                "/events/vip-football-night/"]
LOGGED_OUT_PAGES = ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
# Screenshots at both sizes, for these pages (the name of the step, the path).
SHOTS = {"/portal/": "dashboard", "/portal/rewards/": "rewards", "/portal/statement/": "statement",
         "/portal/preferences/": "preferences", "/": "home", "/accounts/login/": "login"}


@pytest.fixture
def club():
    """The demo operator; Lan (linked) with a bonus-points offer, a message and a voucher; and a
    login without a line, for the line-linking pages. Returns the paths of the member's pages."""
    if Page.get_first_root_node() is None:  # the previous test's flush removed Wagtail's root
        Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
        Page.add_root(instance=Page(title="Root", slug="root"))
    call_command("load_demo", members=5, stdout=StringIO())
    lan = Member.objects.get(account_number=LAN.note.split()[-1])
    # The tests read English labels, and a login opens the portal in the member's own language.
    Member.objects.filter(pk=lan.pk).update(language="en")
    offer = CampaignFactory(name="Weekend data", offer_kind="bonus_points", bonus_points=200, priority=80)
    CampaignMessage.objects.filter(campaign=offer).update(
        title="200 bonus points this weekend", body="Accept before Sunday and the points are yours.")
    news = CampaignFactory(name="Club news", priority=10)
    CampaignMessage.objects.filter(campaign=news).update(
        title="New: club nights in Đà Nẵng", body="Three evenings a month, free for Gold members.")
    delivered(offer, lan)
    delivered(news, lan)
    give_points(lan, 300)
    voucher = Reward.objects.get(name="Streamly: 1 month Premium")
    redemption = redemption_create(member_id=lan.pk, reward_id=voucher.pk, idempotency_key="a11y-voucher")
    assert redemption.is_success, redemption.message
    UserFactory(email=UNLINKED_EMAIL)
    affordable = Reward.objects.get(name="2 GB data pack (30 days)")
    return {
        "member": lan,
        "member_pages": [
            "/portal/", "/portal/rewards/", reverse("portal:reward_redeem", args=(affordable.pk,)),
            "/portal/rewards/mine/", reverse("portal:redemption", args=(redemption.receipt.redemption_id,)),
            "/portal/statement/", "/portal/preferences/", reverse("portal:privacy_delete"),
            "/accounts/password/change/", "/accounts/email/", "/accounts/2fa/",
        ],
        "link_pages": ["/portal/link/", "/portal/link/code/", "/portal/link/account/"],
    }


def blocking_violations(page) -> list[str]:
    """axe-core's serious and critical violations of the page as it is now, one line each."""
    results = Axe().run(page)
    path = page.url.removeprefix(page.evaluate("location.origin"))
    return [
        f"{path} {violation['id']} ({violation['impact']}): "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING
    ]


def horizontal_overflow(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


@pytest.mark.parametrize("size", SIZES)
def test_no_serious_or_critical_axe_violation_on_any_page(page, shot, club, size):
    # given: the viewport, and the pages of a visitor, a member and a login without a line
    page.set_viewport_size(size)
    found, too_wide, checked = [], [], []

    def check(path: str) -> None:
        page.goto(path)
        found.extend(blocking_violations(page))
        checked.append(path)
        if horizontal_overflow(page) > size["width"]:
            too_wide.append(f"{path}: {horizontal_overflow(page)} px")
        if path in SHOTS:
            shot(SHOTS[path])

    # when: axe runs on each of them
    for path in PUBLIC_PAGES + LOGGED_OUT_PAGES:
        check(path)
    log_in(page, UNLINKED_EMAIL, "/portal/link/")
    for path in club["link_pages"]:
        check(path)
    page.context.clear_cookies()
    log_in(page, LAN.email, "/portal/", password=LAN.password)
    blocks = ["dash-tier", "dash-points", "dash-discounts", "dash-vouchers", "dash-events", "dash-bundle"]
    assert [page.get_by_test_id(block).count() for block in blocks] == [1] * 6
    # the two offers made here and the demo partners' two co-promotions (cms/demo/partners.py)
    assert (page.get_by_test_id("dash-voucher").count(), page.locator(".offer-card").count()) == (1, 4)
    for path in club["member_pages"]:
        check(path)

    # then: no serious or critical violation, and nothing wider than the screen
    print("\n".join(found))
    assert (len(checked), found, too_wide) == (24, [], [])


def _focused(page) -> dict:
    return page.evaluate("""() => {
        const el = document.activeElement, style = getComputedStyle(el);
        return {text: (el.innerText || el.value || "").trim(), tag: el.tagName.toLowerCase(),
                landmark: el.closest("nav") ? el.closest("nav").getAttribute("aria-label")
                          : (el.closest("main, header, footer") || {tagName: "none"}).tagName,
                outline: style.outlineStyle + " " + style.outlineWidth,
                visible: el.matches(":focus-visible")};
    }""")


def _tab_until(page, predicate, limit: int = 80) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if predicate(focused):
            return focused
    raise AssertionError(f"not reached in {limit} Tabs; last focus: {focused}")


def test_the_dashboard_works_from_the_keyboard(page, shot, club):
    # given: Lan on her dashboard, on a screen
    page.set_viewport_size(SCREEN)
    log_in(page, LAN.email, "/portal/", password=LAN.password)
    balance_before = points_balance(member_id=club["member"].pk).available

    # when: tabbing from the top of the page
    stops = []
    for _ in range(4):
        page.keyboard.press("Tab")
        stops.append(_focused(page))

    # then: the skip link first, with a visible focus ring; then the brand and the main navigation
    assert [(stop["text"], stop["landmark"]) for stop in stops] == [
        ("Skip to content", "none"), ("Troika", "HEADER"),
        ("Tiers and benefits", "Main"), ("Rewards catalogue", "Main")]
    assert (stops[0]["visible"], stops[0]["outline"]) == (True, "solid 3px")

    # when: back to the skip link, followed with Enter, then Tab once
    for _ in range(3):
        page.keyboard.press("Shift+Tab")
    assert _focused(page)["text"] == "Skip to content"
    shot("1-skip-link")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")

    # then: the focus is inside <main>, past the header's links
    assert _focused(page)["landmark"] == "MAIN"

    # when: the offer's Accept button is reached by Tab and pressed with Enter
    accept = _tab_until(page, lambda focused: focused["text"] == "Accept")
    assert (accept["landmark"], accept["visible"], accept["outline"]) == ("MAIN", True, "solid 3px")
    shot("2-accept-focused")
    page.keyboard.press("Enter")

    # then: the offer is taken in place (HTMX), and the 200 points are granted
    page.locator(".offer-taken").filter(has_text="Taken").wait_for()
    assert OfferAcceptance.objects.filter(member=club["member"]).count() == 1
    assert points_balance(member_id=club["member"].pk).available == balance_before + 200

    # when: the language switcher is reached by Tab, Tiếng Việt chosen with the arrow keys, and
    # the button pressed with Space
    switcher = _tab_until(page, lambda focused: focused["tag"] == "select")
    assert (switcher["landmark"], switcher["visible"]) == ("FOOTER", True)
    page.keyboard.press("ArrowDown")
    assert page.locator("#language-select").input_value() == "vi"
    assert page.evaluate("document.documentElement.lang") == "en"  # choosing alone changes nothing
    page.keyboard.press("Tab")
    assert _focused(page)["text"] == "Change"
    page.keyboard.press("Space")

    # then: the page comes back in Vietnamese, and <html lang> says so
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    assert page.locator("#language-select").input_value() == "vi"
    shot("3-vietnamese")


def test_on_a_phone_nothing_scrolls_sideways_and_the_menu_opens(page, shot, club):
    # given: a phone, Lan logged in
    page.set_viewport_size(PHONE)
    log_in(page, LAN.email, "/portal/", password=LAN.password)
    toggle = page.get_by_role("button", name="Menu")
    statement_link = page.get_by_role("navigation", name="Your account").get_by_role("link", name="Statement")

    # then: the header shows the menu button, closed, and hides the links
    assert (toggle.is_visible(), toggle.get_attribute("aria-expanded")) == (True, "false")
    assert statement_link.is_hidden()
    shot("1-menu-closed")

    # when: opening the menu
    toggle.click()

    # then: every link is there, big enough to tap, and takes the member where it says
    assert toggle.get_attribute("aria-expanded") == "true"
    heights = page.locator("#site-menu a, #site-menu button").evaluate_all(
        "links => links.map(link => link.getBoundingClientRect().height)")
    assert min(heights) >= 44
    shot("2-menu-open")
    statement_link.click()
    page.wait_for_url("**/portal/statement/")

    # and: no page of the member's is wider than the phone
    widths = {}
    for path in club["member_pages"] + PUBLIC_PAGES:
        page.goto(path)
        widths[path] = horizontal_overflow(page)
    assert {path: width for path, width in widths.items() if width > PHONE["width"]} == {}


def _described_by(page, label: str) -> tuple[str | None, list[str]]:
    """The field's aria-invalid, and the texts of the elements its aria-describedby names."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?$")).evaluate("""field => [
        field.getAttribute("aria-invalid"),
        (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean)
            .map(id => document.getElementById(id).innerText.trim())]""")


def test_errors_are_tied_to_their_fields(page, shot):
    # given: the sign-up page on a phone
    page.set_viewport_size(PHONE)
    page.goto("/accounts/signup/")

    # when: the two passwords differ
    page.get_by_label(re.compile(r"^Email:?$")).fill("tuan.bui@example.test")
    page.get_by_label(re.compile(r"^Password:?$")).fill("Sao-Mobile-club-2025")
    page.get_by_label(re.compile(r"^Password \(again\):?$")).fill("Sao-Mobile-club-2026")
    page.get_by_role("button", name="Sign Up").click()

    # then: the second password is marked invalid and described by its error
    page.locator(".has-error").first.wait_for()
    assert _described_by(page, "Password (again)") == ["true", ["You must type the same password each time."]]
    assert blocking_violations(page) == []
    shot("1-signup-error")

    # given: a login without a line, on the account-number form
    UserFactory(email=UNLINKED_EMAIL)
    log_in(page, UNLINKED_EMAIL, "/portal/link/account/")

    # when: sending it empty
    page.get_by_role("button", name="Link my line").click()

    # then: each field is described by its help text and its error, in Django's order
    assert _described_by(page, "Account number") == [
        "true", ["As printed at the top of your bill.", "This field is required."]]
    assert blocking_violations(page) == []
    shot("2-link-error")
