"""The portal's rewards pages: browse and filter the catalogue, redeem through a confirmation
(once per key), see the receipt and voucher code, "My rewards", cancel inside the window."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from rewards.catalogue.models import Redemption, RewardStock, VoucherCode, VoucherState
from rewards.catalogue.services import redemption_create
from rewards.ledger.models import EntryKind, LedgerEntry
from rewards.ledger.selectors import points_balance
from rewards.tiers.models import MemberTier
from tests.factories import MemberFactory, TierFactory, UserFactory
from tests.integration.catalogue.factories import ADDRESS, RewardFactory, give_points

pytestmark = pytest.mark.django_db
REWARDS = reverse("portal:rewards")
MINE = reverse("portal:my_rewards")


@pytest.fixture
def member(client):
    """A logged-in member with 100 points, in the default (lowest) tier."""
    user = UserFactory()
    client.force_login(user)
    member = MemberFactory(user=user)
    give_points(member, 100)
    return member


@pytest.fixture
def catalogue(db):
    """Silver (the default tier) and Gold; five rewards on offer and a draft."""
    TierFactory(code="silver", name="Silver", rank=1)
    gold = TierFactory(code="gold", name="Gold", rank=2)
    return {
        "data": RewardFactory(name="1 GB data", points_cost=60),
        "coffee": RewardFactory(
            name="Coffee voucher", partner_voucher=True, points_cost=80, codes=2, stock=2
        ),
        "lounge": RewardFactory(name="Gold lounge", points_cost=30, minimum_tier=gold),
        "phone": RewardFactory(name="Phone", points_cost=500),
        "sold_out": RewardFactory(name="Sold out", points_cost=10, stock=0),
        "draft": RewardFactory(name="Draft", points_cost=10, live=False),
    }


def redeem_url(reward) -> str:
    return reverse("portal:reward_redeem", args=(reward.pk,))


def cards(page: str) -> list[str]:
    return re.findall(r'<h3 id="reward-\d+">([^<]+)</h3>', page)


def card(page: str, name: str) -> str:
    start = page.index(f">{name}</h3>")
    ends = [page.find(marker, start) for marker in ('<li class="card catalogue-card', "</section>")]
    return page[start : min(end for end in ends if end != -1)]


def key_on(page: str) -> str:
    return re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', page).group(1)


def only_the_first_grant(member) -> None:
    assert list(LedgerEntry.objects.filter(member=member).values_list("kind", flat=True)) == [EntryKind.EARN]
    assert points_balance(member_id=member.pk).available == 100


# --- login and line ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", [REWARDS, MINE, "/portal/rewards/1/redeem/", "/portal/rewards/mine/1/"])
def test_the_rewards_pages_need_a_login(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


def test_a_login_without_a_line_is_sent_to_link_one(client):
    client.force_login(UserFactory())

    assert client.get(REWARDS)["Location"] == reverse("portal:link")
    assert client.get(MINE)["Location"] == reverse("portal:link")


def test_the_nav_links_to_the_rewards(client, member):
    assert f'href="{REWARDS}"' in client.get(reverse("portal:dashboard")).content.decode()


# --- the catalogue ----------------------------------------------------------------------------


def test_the_catalogue_shows_every_reward_on_offer_with_price_stock_and_tier(client, member, catalogue):
    page = client.get(REWARDS).content.decode()

    assert "You have 100 points to spend." in page
    assert cards(page) == ["Sold out", "Gold lounge", "1 GB data", "Coffee voucher", "Phone"]
    assert "80 points" in card(page, "Coffee voucher") and "2 left" in card(page, "Coffee voucher")
    assert "In stock" in card(page, "1 GB data")
    assert "Out of stock" in card(page, "Sold out")
    assert "Gold members and above" in card(page, "Gold lounge")
    assert "Not your tier yet" in card(page, "Gold lounge")
    assert "Not enough points" in card(page, "Phone")
    redeemable = [name for name in cards(page) if "Redeem</a>" in card(page, name)]
    assert redeemable == ["1 GB data", "Coffee voucher"]


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("?affordable=on", ["Sold out", "Gold lounge", "1 GB data", "Coffee voucher"]),
        ("?kind=partner_voucher", ["Coffee voucher"]),
        ("?kind=data_pack&affordable=on", ["Sold out", "Gold lounge", "1 GB data"]),
        ("?kind=merchandise", []),
    ],
    ids=["affordable", "kind", "both", "none"],
)
def test_the_catalogue_filters_by_kind_and_what_the_member_can_afford(
    client, member, catalogue, query, shown
):
    page = client.get(REWARDS + query).content.decode()

    assert cards(page) == shown
    count = f"{len(shown)} reward{'' if len(shown) == 1 else 's'}"
    assert re.search(rf'data-testid="rewards-count">{count}</p>', page)
    assert ("No rewards match these filters." in page) == (not shown)


def test_the_filters_update_the_list_in_place_with_htmx(client, member, catalogue):
    page = client.get(REWARDS).content.decode()

    assert 'hx-target="#catalogue" hx-select="#catalogue"' in page and '<section id="catalogue"' in page


def test_an_unknown_kind_is_refused_with_a_message(client, member, catalogue):
    response = client.get(REWARDS + "?kind=yacht")

    assert response.status_code == 400
    assert "Choose a kind from the list." in response.content.decode()


def test_a_higher_tier_sees_the_tier_reward_as_redeemable(client, member, catalogue):
    MemberTier.objects.create(
        member=member,
        tier=catalogue["lounge"].minimum_tier,
        since=dt.date(2026, 1, 1),
        qualified_until=dt.date(2027, 1, 1),
    )

    page = client.get(REWARDS).content.decode()

    assert "Not your tier yet" not in card(page, "Gold lounge")
    assert "Redeem</a>" in card(page, "Gold lounge")


# --- confirm and redeem ----------------------------------------------------------------------


def test_the_confirmation_shows_the_price_and_the_balance_after(client, member, catalogue):
    page = client.get(redeem_url(catalogue["data"])).content.decode()

    assert re.search(r'data-testid="confirm-price">60 points<', page)
    assert re.search(r'data-testid="confirm-after">40<', page)
    assert "You can cancel within 24 hours." in page
    assert len(key_on(page)) == 32
    assert key_on(page) != key_on(
        client.get(redeem_url(catalogue["data"])).content.decode()
    )  # fresh each time
    assert not Redemption.objects.exists()


@pytest.mark.parametrize(
    ("reward", "message"),
    [
        ("phone", "You do not have enough points for this reward."),
        ("sold_out", "Sorry, this reward is out of stock."),
        ("lounge", "This reward is for members of a higher tier."),
    ],
    ids=["points", "stock", "tier"],
)
def test_the_confirmation_of_a_reward_out_of_reach_says_why_and_has_no_button(
    client, member, catalogue, reward, message
):
    page = client.get(redeem_url(catalogue[reward])).content.decode()

    assert re.search(rf'data-testid="redeem-blocked"><p>{message}</p>', page)
    assert "Redeem for" not in page


def test_redeeming_debits_the_points_and_shows_the_receipt(client, member, catalogue):
    key = key_on(client.get(redeem_url(catalogue["data"])).content.decode())

    response = client.post(redeem_url(catalogue["data"]), {"idempotency_key": key}, follow=True)

    redemption = Redemption.objects.get()
    assert response.redirect_chain == [(reverse("portal:redemption", args=(redemption.pk,)), 302)]
    page = response.content.decode()
    assert "Done: 1 GB data is yours." in page
    assert re.search(r'data-testid="receipt-points">60<', page)
    assert re.search(r'data-testid="receipt-balance">40<', page)
    assert (redemption.member_id, redemption.reward_id, redemption.points, redemption.idempotency_key) == (
        member.pk,
        catalogue["data"].pk,
        60,
        key,
    )


def test_a_double_submit_redeems_once(client, member, catalogue):
    key = key_on(client.get(redeem_url(catalogue["data"])).content.decode())

    first = client.post(redeem_url(catalogue["data"]), {"idempotency_key": key})
    second = client.post(redeem_url(catalogue["data"]), {"idempotency_key": key})

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Redemption.objects.count() == 1
    assert list(
        LedgerEntry.objects.filter(member=member, kind=EntryKind.REDEEM).values_list("points", flat=True)
    ) == [-60]
    assert points_balance(member_id=member.pk).available == 40


def test_a_voucher_reward_shows_its_code(client, member, catalogue):
    key = key_on(client.get(redeem_url(catalogue["coffee"])).content.decode())

    page = client.post(
        redeem_url(catalogue["coffee"]), {"idempotency_key": key}, follow=True
    ).content.decode()

    code = VoucherCode.objects.get(state=VoucherState.ASSIGNED).code
    assert re.search(rf'data-testid="voucher-code">{code}<', page)
    assert RewardStock.objects.get(reward=catalogue["coffee"]).remaining == 1


@pytest.mark.parametrize(
    ("reward", "status", "message"),
    [
        ("phone", 409, "You do not have enough points for this reward."),
        ("sold_out", 409, "Sorry, this reward is out of stock."),
        ("lounge", 403, "This reward is for members of a higher tier."),
    ],
    ids=["points", "stock", "tier"],
)
def test_a_refused_redemption_says_why_and_changes_nothing(
    client, member, catalogue, reward, status, message
):
    response = client.post(redeem_url(catalogue[reward]), {"idempotency_key": "a" * 32})

    assert response.status_code == status
    assert message in response.content.decode()
    assert not Redemption.objects.exists()
    only_the_first_grant(member)


def test_the_per_member_limit_is_a_refusal(client, member):
    reward = RewardFactory(name="Weekly data", points_cost=10, limit_count=1, limit_period="week")
    client.post(redeem_url(reward), {"idempotency_key": "first"})

    response = client.post(redeem_url(reward), {"idempotency_key": "second"})

    assert response.status_code == 409
    assert (
        "You have already redeemed this reward as many times as allowed for now." in response.content.decode()
    )
    assert Redemption.objects.count() == 1


@pytest.mark.parametrize(
    "data",
    [{}, {"idempotency_key": ""}, {"idempotency_key": "k" * 101}],
    ids=["missing", "empty", "too-long"],
)
def test_a_post_without_a_valid_key_is_refused(client, member, catalogue, data):
    response = client.post(redeem_url(catalogue["data"]), data)

    assert response.status_code == 400
    assert "This confirmation has expired. Please confirm again." in response.content.decode()
    assert not Redemption.objects.exists()


def test_a_reward_not_on_offer_is_not_found(client, member, catalogue):
    assert client.get(redeem_url(catalogue["draft"])).status_code == 404
    assert client.get("/portal/rewards/999999/redeem/").status_code == 404
    response = client.post(redeem_url(catalogue["draft"]), {"idempotency_key": "k1"})
    assert response.status_code == 404
    assert "This reward is not available." in response.content.decode()
    assert not Redemption.objects.exists()


def test_merchandise_asks_for_an_address(client, member):
    mug = RewardFactory(name="Mug", merchandise=True, points_cost=50)
    page = client.get(redeem_url(mug)).content.decode()
    assert "Delivery address" in page and 'name="recipient"' in page

    refused = client.post(redeem_url(mug), {"idempotency_key": "mug-1", "recipient": "Lan"})
    accepted = client.post(redeem_url(mug), {"idempotency_key": "mug-2", **ADDRESS})

    assert refused.status_code == 400 and "This field is required." in refused.content.decode()
    assert accepted.status_code == 302
    assert Redemption.objects.get().delivery_address["city"] == "Hà Nội"


def test_redeeming_needs_get_or_post(client, member, catalogue):
    assert client.put(redeem_url(catalogue["data"])).status_code == 405


# --- my rewards and cancellation --------------------------------------------------------------


def redeemed(member, reward, key, **kwargs) -> Redemption:
    result = redemption_create(member_id=member.pk, reward_id=reward.pk, idempotency_key=key, **kwargs)
    assert result.is_success, result.message
    return Redemption.objects.get(pk=result.receipt.redemption_id)


def test_my_rewards_lists_the_members_redemptions_with_codes_and_states(client, member, catalogue):
    data = redeemed(member, catalogue["data"], "d1")
    give_points(member, 100)
    coffee = redeemed(member, catalogue["coffee"], "c1")
    other = MemberFactory()
    give_points(other, 100)
    theirs = redeemed(other, catalogue["data"], "theirs")

    page = client.get(MINE).content.decode()

    rows = re.findall(r'data-redemption-id="(\d+)"', page)
    assert rows == [str(coffee.pk), str(data.pk)]  # newest first, never another member's
    assert str(theirs.pk) not in rows
    assert f'data-testid="voucher-code">{coffee.voucher_code}<' in page
    assert page.count('data-testid="redemption-state">Confirmed<') == 2
    assert page.count(">Cancel</button>") == 2


def test_cancelling_inside_the_window_gives_the_points_back(client, member, catalogue):
    redemption = redeemed(member, catalogue["coffee"], "c1")

    response = client.post(reverse("portal:redemption_cancel", args=(redemption.pk,)), follow=True)

    page = response.content.decode()
    assert "Cancelled: your points are back." in page
    assert 'data-testid="redemption-state">Cancelled<' in page
    assert 'data-testid="voucher-code"' not in page
    assert Redemption.objects.get().state == "cancelled"
    assert points_balance(member_id=member.pk).available == 100
    assert VoucherCode.objects.filter(state=VoucherState.AVAILABLE).count() == 2
    assert RewardStock.objects.get(reward=catalogue["coffee"]).remaining == 2


def test_cancelling_after_the_window_is_refused(client, member):
    reward = RewardFactory(name="Quick data", points_cost=10, cancellation_window_hours=1)
    redemption = redeemed(member, reward, "late", now=timezone.now() - dt.timedelta(hours=2))
    assert ">Cancel</button>" not in client.get(MINE).content.decode()

    response = client.post(reverse("portal:redemption_cancel", args=(redemption.pk,)), follow=True)

    assert "The time to cancel this redemption is over." in response.content.decode()
    assert Redemption.objects.get().state == "confirmed"
    assert points_balance(member_id=member.pk).available == 90


def test_a_reward_without_a_window_cannot_be_cancelled(client, member):
    reward = RewardFactory(name="Final", points_cost=10, cancellation_window_hours=0)
    redemption = redeemed(member, reward, "final")

    response = client.post(reverse("portal:redemption_cancel", args=(redemption.pk,)), follow=True)

    assert "The time to cancel this redemption is over." in response.content.decode()
    assert Redemption.objects.get().state == "confirmed"


def test_another_members_redemption_is_not_found_and_not_cancelled(client, member, catalogue):
    other = MemberFactory()
    give_points(other, 100)
    theirs = redeemed(other, catalogue["coffee"], "theirs")

    shown = client.get(reverse("portal:redemption", args=(theirs.pk,)))
    cancelled = client.post(reverse("portal:redemption_cancel", args=(theirs.pk,)))

    assert shown.status_code == cancelled.status_code == 404
    assert theirs.voucher_code not in shown.content.decode()
    assert Redemption.objects.get(pk=theirs.pk).state == "confirmed"
    assert points_balance(member_id=other.pk).available == 20


def test_cancelling_needs_a_post(client, member, catalogue):
    redemption = redeemed(member, catalogue["data"], "d1")

    assert client.get(reverse("portal:redemption_cancel", args=(redemption.pk,))).status_code == 405
    assert Redemption.objects.get().state == "confirmed"


def test_my_rewards_pages_by_twenty(client, member):
    reward = RewardFactory(name="Tiny", points_cost=1)
    for n in range(21):
        redeemed(member, reward, f"t{n}")

    first = client.get(MINE).content.decode()
    second = client.get(MINE + "?page=2").content.decode()
    beyond = client.get(MINE + "?page=zz")

    assert first.count('data-testid="redemption"') == 20 and "Page 1 of 2" in first
    assert second.count('data-testid="redemption"') == 1
    assert beyond.status_code == 200
