"""A subscriber builds a bundle in chromium: sees the bundle recommended for their usage with its
reasons, changes a line and watches the price follow (HTMX, no page load), orders it, and
returns it inside the window from "My bundles". The builder is checked with axe-core on a
360 px phone too."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rewards.activity.models import MonthlyActivity
from rewards.bundles.models import BundleOrder, BundleOutbox
from tests.factories import MemberFactory, UserFactory
from tests.integration.bundles.factories import component, template
from tests.integration.discounts.helpers import live_schedule

from .conftest import log_in
from .test_portal_accessibility import PHONE, blocking_violations, horizontal_overflow

pytestmark = pytest.mark.e2e


@pytest.fixture
def subscriber():
    """Hoa: 8.3 GB, 100 minutes and 40 SMS a month over the last three months; 6 years with
    us (a 5% tenure discount); an 'Everyday' template with a streaming add-on."""
    live_schedule(brackets=((100_000_000, "2"),), bands=((5, "5"),))
    member = MemberFactory(user=UserFactory(email="hoa.le@example.test"), language="en",
                           activation_date=dt.date(2020, 1, 15))
    month = timezone.localdate().replace(day=1)
    for _ in range(3):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        MonthlyActivity.objects.create(member=member, month=month, data_mb=round(8.3 * 1024),
                                       voice_minutes=100, sms=40)
    component("streaming", addon_service="streaming_tv")
    template(name="Everyday", lines=(("data-gb", 5), ("voice-min", 90), ("sms", 50), ("streaming", 0)))
    return member


def test_a_subscriber_sizes_orders_and_returns_a_bundle(page, shot, subscriber):
    # given: the builder, with the recommended bundle sized to Hoa's usage
    log_in(page, "hoa.le@example.test", "/portal/bundles/")
    assert page.get_by_role("heading", name="Everyday").is_visible()
    data = page.get_by_label("Mobile data (GB)")
    assert data.input_value() == "10"
    assert page.get_by_text("10 GB because you used 8.3 GB a month (with 20% to spare).").is_visible()
    total = page.get_by_test_id("bundle-total")
    assert total.inner_text() == "166,250 VND"  # 175,000 less 5% for 6 years with us
    assert page.get_by_text("5% for 6 years with us").is_visible()
    shot("1-recommended")

    # when: taking 15 GB; the price follows without a page load
    page.evaluate("window.stillTheSamePage = true")
    data.fill("15")
    expect(page.get_by_test_id("bundle-total")).to_have_text("213,750 VND")
    assert page.evaluate("window.stillTheSamePage") is True
    # and: an amount off the step is refused on the spot, with the rule
    page.get_by_label("Minutes (min)").fill("100")
    page.get_by_test_id("bundle-problems").wait_for()
    assert "the nearest allowed are 90 and 120" in page.get_by_test_id("bundle-problems").inner_text()
    page.get_by_label("Minutes (min)").fill("120")
    expect(page.get_by_test_id("bundle-total")).to_have_text("213,750 VND")
    shot("2-changed")

    # when: ordering it
    page.get_by_role("button", name="Order this bundle").click()

    # then: "My bundles" shows it placed, and billing has its activation
    page.wait_for_url("**/portal/bundles/mine/")
    assert page.get_by_text("Ordered: Everyday.").is_visible()
    order = BundleOrder.objects.get(member=subscriber)
    assert [(line["code"], line["quantity"]) for line in order.lines] == [
        ("data-gb", 15), ("voice-min", 120), ("sms", 50)
    ]
    assert BundleOutbox.objects.filter(order=order, action="activate").count() == 1
    assert page.get_by_test_id("bundle-order-status").inner_text() == "Placed"
    shot("3-ordered")

    # when: returning it inside the window
    page.get_by_role("button", name="Return Everyday").click()

    # then: returned, and billing has the deactivation
    page.get_by_test_id("bundle-return-note").wait_for()
    assert page.get_by_test_id("bundle-order-status").inner_text() == "Returned"
    order.refresh_from_db()
    assert order.status == "returned"
    assert BundleOutbox.objects.filter(order=order, action="deactivate").count() == 1
    shot("4-returned")


def test_the_builder_works_on_a_phone_by_keyboard_and_passes_axe(page, shot, subscriber):
    page.set_viewport_size(PHONE)
    log_in(page, "hoa.le@example.test", "/portal/bundles/")
    assert horizontal_overflow(page) <= PHONE["width"]
    assert blocking_violations(page) == []

    # the data field by keyboard: arrow up raises it by its step and the price follows
    page.get_by_label("Mobile data (GB)").focus()
    page.keyboard.press("ArrowUp")
    expect(page.get_by_test_id("bundle-total")).to_have_text("175,750 VND")
    shot("1-phone")
    page.goto("/portal/bundles/mine/")
    assert blocking_violations(page) == []
