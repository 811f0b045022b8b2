"""Members take their co-promotion codes in the portal: accepting the co-promotion's offer claims
the code once (double clicks, two tabs, concurrent requests), an empty pool says so and takes
nothing, the card then shows the code (HTMX) or the code's page (no JS), "My partner codes"
lists the member's own codes only, the dashboard costs no query more, the partner sees figures."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from campaigns.offers.models import OfferAcceptance
from campaigns.offers.services import offer_accept_delivery
from partners.copromotions.models import CodeState, PromotionCode
from partners.copromotions.services import (
    code_redeem,
    code_redemption_reverse,
    copromotion_code_claim,
    copromotion_codes_upload,
)
from tests.factories import MemberFactory, UserFactory
from tests.integration.campaigns.factories import CampaignFactory, delivered
from tests.integration.contact.conftest import _gate_prefix  # noqa: F401 (a fixture, used below)
from tests.partner_fixtures import PartnerUserFactory, partner_login

from .copromotion_factories import running_copromotion

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_gate_prefix")]
DASHBOARD = reverse("portal:dashboard")
CODES = reverse("portal:partner_codes")
HTMX = {"HX-Request": "true"}


@pytest.fixture
def partner_admin():
    return PartnerUserFactory(partner__name="Streamly", partner__slug="streamly")


@pytest.fixture
def copromotion(partner_admin):
    return running_copromotion(
        partner_admin, codes=["STREAM-0001", "STREAM-0002"], benefit_kind="discount",
        discount_percent=Decimal(15),
    )


def linked_member(client=None):
    user = UserFactory()
    member = MemberFactory(user=user)
    if client is not None:
        client.force_login(user)
    return member


def accept_url(delivery) -> str:
    return reverse("portal:offer_accept", args=(delivery.pk,))


def codes_of(member) -> list[str]:
    return list(PromotionCode.objects.filter(member=member).values_list("code", flat=True))


def test_the_dashboard_offers_the_code_and_one_click_gives_it_on_the_card(client, copromotion):
    member = linked_member(client)
    delivery = delivered(copromotion.campaign, member)

    page = client.get(DASHBOARD).content.decode()
    response = client.post(accept_url(delivery), headers=HTMX)

    assert "Get my code" in page and accept_url(delivery) in page
    assert response.status_code == 200
    card = response.content.decode()
    assert codes_of(member) == ["STREAM-0001"]
    assert '<code class="voucher-code" data-testid="offer-extra-code">STREAM-0001</code>' in card
    assert "15% off at Streamly" in card and "From Streamly" in card
    start, end = (date_format(day, "DATE_FORMAT") for day in (copromotion.starts_on, copromotion.ends_on))
    assert f"Use it from {start} to {end}" in card
    code = PromotionCode.objects.get(member=member)
    assert reverse("portal:partner_code", args=[code.pk]) in card
    assert OfferAcceptance.objects.filter(member=member, campaign=copromotion.campaign).count() == 1


def test_without_javascript_the_member_lands_on_the_codes_page(client, copromotion):
    member = linked_member(client)
    delivery = delivered(copromotion.campaign, member)

    response = client.post(accept_url(delivery))

    code = PromotionCode.objects.get(member=member)
    assert response.status_code == 302 and response.url == reverse("portal:partner_code", args=[code.pk])
    page = client.get(response.url).content.decode()
    assert 'data-testid="partner-code">STREAM-0001<' in page
    assert "Ready to use" in page and "Offer taken." in page


def test_a_double_click_or_a_second_tab_gives_the_same_single_code(client, copromotion):
    member = linked_member(client)
    delivery = delivered(copromotion.campaign, member)

    first = client.post(accept_url(delivery), headers=HTMX)
    again = client.post(accept_url(delivery), headers=HTMX)
    no_js = client.post(accept_url(delivery))

    assert first.status_code == again.status_code == 200
    assert "STREAM-0001" in first.content.decode() and "STREAM-0001" in again.content.decode()
    assert no_js.status_code == 302
    assert codes_of(member) == ["STREAM-0001"]
    assert PromotionCode.objects.filter(state=CodeState.AVAILABLE).count() == 1
    assert OfferAcceptance.objects.filter(member=member).count() == 1


def test_an_empty_pool_says_so_and_takes_nothing(client, partner_admin):
    copromotion = running_copromotion(partner_admin, codes=["ONLY-0001"])
    first = linked_member()
    delivered(copromotion.campaign, first)
    member = linked_member(client)
    delivery = delivered(copromotion.campaign, member)
    assert copromotion_code_claim(member_id=first.pk, copromotion_id=copromotion.pk).code == "ONLY-0001"

    htmx = client.post(accept_url(delivery), headers=HTMX)
    no_js = client.post(accept_url(delivery))

    assert htmx.status_code == 200
    assert "All the codes of this promotion are taken." in htmx.content.decode()
    assert "Get my code" in htmx.content.decode()  # still offered: the partner may add codes
    assert no_js.status_code == 302 and no_js.url == DASHBOARD
    assert codes_of(member) == []
    assert not OfferAcceptance.objects.filter(member=member).exists()


def test_codes_added_later_are_taken_on_the_next_click(client, partner_admin):
    copromotion = running_copromotion(partner_admin, codes=["ONLY-0001"])
    first = linked_member()
    delivered(copromotion.campaign, first)
    copromotion_code_claim(member_id=first.pk, copromotion_id=copromotion.pk)
    member = linked_member(client)
    delivery = delivered(copromotion.campaign, member)
    assert not client.post(accept_url(delivery), headers=HTMX).content.decode().count("offer-extra-code")

    assert copromotion_codes_upload(copromotion_id=copromotion.pk, file="MORE-0001").is_success
    response = client.post(accept_url(delivery), headers=HTMX)

    assert "MORE-0001" in response.content.decode() and codes_of(member) == ["MORE-0001"]


def test_another_members_offer_and_code_are_404_and_unchanged(client, copromotion):
    owner = linked_member()
    their_delivery = delivered(copromotion.campaign, owner)
    their_code = copromotion_code_claim(member_id=owner.pk, copromotion_id=copromotion.pk).code
    their_id = PromotionCode.objects.get(code=their_code).pk
    member = linked_member(client)

    accept = client.post(accept_url(their_delivery), headers=HTMX)
    detail = client.get(reverse("portal:partner_code", args=[their_id]))
    listing = client.get(CODES)

    assert accept.status_code == 404 and detail.status_code == 404
    assert listing.status_code == 200 and their_code not in listing.content.decode()
    assert "You have no partner codes yet." in listing.content.decode()
    assert codes_of(member) == [] and codes_of(owner) == [their_code]
    assert not OfferAcceptance.objects.exists()


def test_an_offer_that_did_not_reach_the_member_is_404(client, copromotion):
    member = linked_member(client)
    other = linked_member()
    delivery = delivered(copromotion.campaign, other)

    assert client.post(accept_url(delivery)).status_code == 404
    assert codes_of(member) == [] and codes_of(other) == []


def test_my_partner_codes_lists_state_text_in_my_language_and_dates(client, partner_admin):
    streaming = running_copromotion(partner_admin, codes=["USED-0001", "FREE-0001"])
    member = linked_member(client)
    delivery = delivered(streaming.campaign, member)
    assert client.post(accept_url(delivery), headers=HTMX).status_code == 200
    mine = PromotionCode.objects.get(member=member)
    assert [row.state for row in client.get(CODES).context["codes"]] == ["available"]
    assert code_redeem(partner_id=partner_admin.partner_id, code=mine.code).is_success
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"

    page = client.get(CODES, headers={"Accept-Language": "vi"}).content.decode()
    rows = client.get(CODES).context["codes"]

    assert [(row.code, row.state, row.partner_name) for row in rows] == [(mine.code, "used", "Streamly")]
    assert rows[0].used_at is not None
    assert "Hai tháng Streamly miễn phí." in page  # the offer text in the member's language
    redemption = mine.redemptions.get()
    reversal = code_redemption_reverse(partner_id=partner_admin.partner_id, redemption_id=redemption.pk)
    assert reversal.is_success
    rows = client.get(CODES).context["codes"]
    assert [(row.code, row.state, row.used_at) for row in rows] == [(mine.code, "reversed", None)]
    assert rows[0].taken_at <= timezone.now()


def test_the_dashboard_costs_no_query_more_with_a_copromotion_offer(
    client, copromotion, django_assert_max_num_queries
):
    """A message-only offer and the co-promotion's (a message-only campaign with its code): the
    card's "Get my code" comes from the campaign's cached display, not from a query."""
    plain_member = linked_member(client)
    delivered(CampaignFactory(name="News"), plain_member)
    client.get(DASHBOARD)
    with django_assert_max_num_queries(20) as plain:
        client.get(DASHBOARD)
    member = linked_member(client)
    delivered(copromotion.campaign, member)
    client.get(DASHBOARD)

    with django_assert_max_num_queries(20) as with_copromotion:
        page = client.get(DASHBOARD).content.decode()

    assert "Get my code" in page
    assert len(with_copromotion) == len(plain)
    print(f"dashboard queries: message offer {len(plain)}, co-promotion offer {len(with_copromotion)}")


def test_the_partner_sees_figures_never_who_took_or_used_a_code(client, copromotion, partner_admin):
    member = linked_member()
    delivery = delivered(copromotion.campaign, member)
    assert offer_accept_delivery(member_id=member.pk, delivery_id=delivery.pk).is_success
    code = PromotionCode.objects.get(member=member)
    assert code_redeem(partner_id=partner_admin.partner_id, code=code.code).is_success
    partner_login(client, partner_admin.user)

    listing = client.get(reverse("partners:copromotions"))
    detail = client.get(reverse("partners:copromotion_detail", args=[copromotion.pk]))

    assert listing.status_code == detail.status_code == 200
    rows = listing.context["rows"]
    figures = [(row.stats.delivered, row.stats.codes_given, row.stats.redeemed) for row in rows]
    assert figures == [(1, 1, 1)]
    body = listing.content.decode() + detail.content.decode()
    for personal in (member.msisdn, member.account_number, code.code):
        assert personal not in body


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_of_one_offer_take_one_code(partner_admin):
    """Two tabs and a double click at once (PostgreSQL threads): one code, one acceptance."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    copromotion = running_copromotion(partner_admin, codes=[f"RACE-{i:04d}" for i in range(8)])
    member = linked_member()
    delivery = delivered(copromotion.campaign, member)
    clients = 6
    barrier, results = threading.Barrier(clients), [None] * clients

    def run(i):
        try:
            barrier.wait()
            results[i] = offer_accept_delivery(member_id=member.pk, delivery_id=delivery.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    taken = codes_of(member)
    replayed = sum(1 for result in results if result.replayed)
    print(f"concurrent accepts: clients {clients}, successes {sum(r.is_success for r in results)}, "
          f"replayed {replayed}, codes given {len(taken)}, acceptances "
          f"{OfferAcceptance.objects.filter(member=member).count()}")
    assert all(result.is_success for result in results)
    assert len(taken) == 1 and replayed == clients - 1
    assert OfferAcceptance.objects.filter(member=member).count() == 1
    assert PromotionCode.objects.filter(copromotion=copromotion, state=CodeState.AVAILABLE).count() == 7
