"""The portal's bundle builder: the recommended bundle with its reasons, the price for the
member's quantities (HTMX partial and the no-JavaScript post), validation that writes nothing,
ordering once per key, "My bundles" and returns inside and outside the window."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from club.members.models import Member
from rewards.activity.models import MonthlyActivity
from rewards.bundles.models import BundleOrder, BundleOutbox
from rewards.bundles.services import bundle_order_place
from tests.factories import MemberFactory, UserFactory
from tests.integration.bundles.factories import template

pytestmark = pytest.mark.django_db
BUILDER = reverse("portal:bundles")
PRICE = reverse("portal:bundle_price")
MINE = reverse("portal:my_bundles")


def _last_full_months(count: int = 3) -> list[dt.date]:
    first = timezone.localdate().replace(day=1)
    months = []
    for _ in range(count):
        first = (first - dt.timedelta(days=1)).replace(day=1)
        months.append(first)
    return months


@pytest.fixture
def member(client):
    """A logged-in member who used 8.3 GB, 100 minutes and 40 SMS a month lately."""
    user = UserFactory()
    client.force_login(user)
    member = MemberFactory(user=user, language="en")
    for month in _last_full_months():
        MonthlyActivity.objects.create(member=member, month=month, data_mb=round(8.3 * 1024),
                                       voice_minutes=100, sms=40)
    return member


@pytest.fixture
def bundle(db):
    """Data (1–100 GB, step 1), minutes (0–3000, step 30), SMS (0–1000, step 10)."""
    return template(name="Everyday")


def _post(client, bundle, action="price", key="key-1", **quantities):
    data = {"template": bundle.pk, "action": action, "idempotency_key": key}
    data.update({f"q-{code}": value for code, value in quantities.items()})
    return client.post(BUILDER, data)


def _values(html: str) -> dict[str, str]:
    return dict(re.findall(r'name="q-([\w-]+)" value="([^"]*)"', html))


def test_the_builder_shows_the_recommended_bundle_sized_to_usage_with_reasons(client, member, bundle):
    response = client.get(BUILDER)

    html = response.content.decode()
    assert response.status_code == 200
    assert _values(html) == {"data-gb": "10", "voice-min": "120", "sms": "50"}
    assert "10 GB because you used 8.3 GB a month (with 20% to spare)." in html
    assert "175,000 VND" in html  # 100,000 + 60,000 + 15,000, no discount schedule
    assert 'min="1" max="100" step="1"' in html
    assert f'href="{BUILDER}"' in html  # the navigation's new item


def test_the_price_partial_follows_the_members_quantities(client, member, bundle):
    response = client.get(PRICE, {"template": bundle.pk, "q-data-gb": "20", "q-voice-min": "0", "q-sms": "0"})

    assert response.status_code == 200
    assert 'data-testid="bundle-total"><strong>200,000 VND' in response.content.decode()
    assert "<html" not in response.content.decode()


@pytest.mark.parametrize(
    ("quantities", "message"),
    [
        pytest.param({"voice-min": "100"}, "Minutes: from 0 min in steps of 30 (got 100; the nearest allowed "
                     "are 90 and 120).", id="off-step"),
        pytest.param({"data-gb": "0"}, "Mobile data: at least 1 GB (got 0).", id="below-the-smallest"),
        pytest.param({"data-gb": "101"}, "Mobile data: at most 100 GB (got 101).", id="above-the-largest"),
        pytest.param({"data-gb": "ten"}, "Mobile data: enter a whole number (got “ten”).", id="not-a-number"),
        pytest.param({"roaming": "1"}, "“roaming” is not part of this bundle.", id="unknown-component"),
    ],
)
def test_a_bad_quantity_gets_a_clear_message_and_nothing_is_written(
    client, member, bundle, quantities, message
):
    for action in ("price", "order"):
        response = _post(client, bundle, action=action, **quantities)
        assert response.status_code == 400
        assert message in response.content.decode()
    partial = client.get(PRICE, {"template": bundle.pk, **{f"q-{k}": v for k, v in quantities.items()}})
    assert partial.status_code == 200  # the problem is the price block's content
    assert message in partial.content.decode()
    assert 'data-testid="bundle-total"' not in partial.content.decode()
    assert not BundleOrder.objects.exists()
    assert not BundleOutbox.objects.exists()


def test_without_javascript_the_update_button_prices_the_quantities(client, member, bundle):
    response = _post(client, bundle, **{"data-gb": "5", "voice-min": "30", "sms": "10"})

    assert response.status_code == 200
    assert _values(response.content.decode()) == {"data-gb": "5", "voice-min": "30", "sms": "10"}
    assert "68,000 VND" in response.content.decode()  # 50,000 + 15,000 + 3,000
    assert not BundleOrder.objects.exists()


def test_a_double_click_on_order_makes_one_order_and_one_billing_row(client, member, bundle):
    quantities = {"data-gb": "12", "voice-min": "60", "sms": "0"}
    first = _post(client, bundle, action="order", key="double-click", **quantities)
    second = _post(client, bundle, action="order", key="double-click", **quantities)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == MINE
    order = BundleOrder.objects.get()
    assert (order.member_id, order.source, order.total) == (member.pk, "portal", Decimal(150_000))
    assert [line["quantity"] for line in order.lines] == [12, 60]
    assert BundleOutbox.objects.filter(order=order, action="activate").count() == 1
    listing = client.get(MINE).content.decode()
    assert "Everyday" in listing and "150,000 VND" in listing
    assert "Return Everyday" in listing


def test_a_template_not_offered_to_the_member_is_not_found(client, member, bundle):
    prepaid_only = template(name="Prepaid pack", plan_fit="prepaid")
    assert client.get(BUILDER, {"template": prepaid_only.pk}).status_code == 404
    assert _post(client, prepaid_only, action="order").status_code == 404
    assert client.get(PRICE, {"template": prepaid_only.pk}).status_code == 404
    assert not BundleOrder.objects.exists()


def _order(member, bundle, at=None):
    result = bundle_order_place(member_id=member.pk, template_id=bundle.pk, idempotency_key=f"k-{member.pk}",
                                source="portal", at=at)
    assert result.is_success
    return result.order


def test_another_members_order_cannot_be_returned(client, member, bundle):
    stranger = MemberFactory()
    order = _order(stranger, bundle)

    response = client.post(reverse("portal:bundle_return", args=[order.order_id]))

    assert response.status_code == 404
    assert BundleOrder.objects.get(pk=order.order_id).status == "placed"
    assert not BundleOutbox.objects.filter(action="deactivate").exists()
    assert "Everyday" not in client.get(MINE).content.decode()


def test_a_return_inside_the_window_reverses_the_order(client, member, bundle):
    order = _order(member, bundle)

    response = client.post(reverse("portal:bundle_return", args=[order.order_id]), follow=True)

    assert BundleOrder.objects.get(pk=order.order_id).status == "returned"
    assert BundleOutbox.objects.filter(order_id=order.order_id, action="deactivate").count() == 1
    html = response.content.decode()
    assert "Returned: the bundle is switched off and its price refunded in full." in html
    assert "Returned on" in html and "Return Everyday" not in html


def test_outside_the_window_there_is_no_return_button_and_a_late_return_is_refused(client, member, bundle):
    order = _order(member, bundle, at=timezone.now() - dt.timedelta(days=15))  # a 14-day window

    listing = client.get(MINE).content.decode()
    assert "The time to return it ended on" in listing
    assert "Return Everyday" not in listing
    response = client.post(reverse("portal:bundle_return", args=[order.order_id]), follow=True)
    assert "The time to return this bundle is over." in response.content.decode()
    assert BundleOrder.objects.get(pk=order.order_id).status == "placed"
    assert not BundleOutbox.objects.filter(action="deactivate").exists()


def test_a_member_without_a_suiting_bundle_is_told_so(client, member):
    response = client.get(BUILDER)
    assert response.status_code == 200
    assert "There is no bundle for your line at the moment." in response.content.decode()


def test_the_pages_need_a_login(client, bundle):
    for url in (BUILDER, MINE, PRICE):
        assert client.get(url).status_code == 302


def test_a_capped_pack_warns_when_the_chosen_quantities_pass_its_cap(client, member):
    Member.objects.filter(pk=member.pk).update(payment_plan="prepaid", segment="control_seekers")
    pack = template(name="Budget pack", plan_fit="prepaid", monthly_spending_cap=Decimal(150_000))

    fits = client.get(PRICE, {"template": pack.pk, "q-data-gb": "5", "q-voice-min": "0", "q-sms": "0"})
    over = client.get(PRICE, {"template": pack.pk, "q-data-gb": "20", "q-voice-min": "0", "q-sms": "0"})

    assert 'data-testid="bundle-over-cap"' not in fits.content.decode()
    assert "more than the pack's spending cap of 150,000 VND a month" in over.content.decode()
