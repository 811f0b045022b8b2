"""A member takes a partner's code in chromium: the co-promotion's offer on the dashboard, one
click on "Get my code", the card shows the code, what it gives, the partner and the dates (HTMX,
no page load); "My partner codes" lists it; the partner's portal shows figures, not the member."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils.formats import date_format

from partners.copromotions.models import PromotionCode
from tests.factories import MemberFactory, UserFactory
from tests.integration.campaigns.factories import delivered
from tests.integration.contact.conftest import _gate_prefix  # noqa: F401 (a fixture, used below)
from tests.integration.partners.copromotion_factories import running_copromotion
from tests.partner_fixtures import PartnerUserFactory

from .conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("_gate_prefix")]


@pytest.fixture
def offer():
    """Streamly's running co-promotion (15% off, two codes) reached Lan's portal inbox."""
    partner_admin = PartnerUserFactory(partner__name="Streamly", partner__slug="streamly")
    copromotion = running_copromotion(
        partner_admin, codes=["STREAM-7Q4K", "STREAM-9Z2M"], benefit_kind="discount",
        discount_percent=Decimal(15), title="Two months of Streamly",
    )
    member = MemberFactory(user=UserFactory(email="lan.tran@example.test"), language="en")
    delivered(copromotion.campaign, member)
    return copromotion, member


def test_a_member_takes_the_partner_code_from_the_offer(page, shot, offer):
    copromotion, member = offer
    # given: the dashboard shows Streamly's offer with its button
    log_in(page, "lan.tran@example.test", "/portal/")
    card = page.locator(".offer-card", has_text="Two months of Streamly")
    assert card.get_by_text("Two months of Streamly free for club members.").is_visible()
    shot("1-offer")

    # when: one click on "Get my code"
    page.evaluate("window.stillTheSamePage = true")
    card.get_by_role("button", name="Get my code").click()

    # then: the card shows the code, what it gives, the partner and the dates, without a page load
    code = page.get_by_test_id("offer-extra-code")
    code.wait_for()
    assert code.inner_text() == "STREAM-7Q4K"
    assert page.evaluate("window.stillTheSamePage") is True
    extra = page.get_by_test_id("offer-extra").inner_text()
    start, end = (date_format(day, "DATE_FORMAT") for day in (copromotion.starts_on, copromotion.ends_on))
    assert "15% off at Streamly" in extra and "From Streamly" in extra
    assert f"Use it from {start} to {end}" in extra
    assert list(PromotionCode.objects.filter(member=member).values_list("code", flat=True)) == ["STREAM-7Q4K"]
    shot("2-code-on-the-card")

    # when: opening "My partner codes" from the dashboard's vouchers card
    page.goto("/portal/")
    page.get_by_test_id("dash-partner-codes").click()
    page.wait_for_url("**/portal/partner-codes/")

    # then: the code, ready to use, with the offer's text
    row = page.get_by_test_id("partner-code-row")
    assert row.get_by_test_id("partner-code").inner_text() == "STREAM-7Q4K"
    assert row.get_by_test_id("partner-code-state").inner_text() == "Ready to use"
    assert "Two months of Streamly free for club members." in row.inner_text()
    shot("3-my-partner-codes")
