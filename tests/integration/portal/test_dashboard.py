"""The member's dashboard: tier and progress, points, discounts, events, vouchers and the
recommended bundle, each with exact values; the link callout without a line; nobody else's data;
the query bound."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from campaigns.offers.services import offer_accept
from club.events.services import rsvp_create
from rewards.catalogue.services import redemption_create
from rewards.ledger.models import PointLot
from rewards.reference import reference_local_copies_drop
from rewards.tiers.models import MemberTier
from tests.factories import MemberFactory, TierFactory, UserFactory
from tests.integration.bundles.factories import template
from tests.integration.campaigns.factories import CampaignFactory, delivered
from tests.integration.catalogue.factories import RewardFactory, give_points
from tests.integration.contact.conftest import _gate_prefix  # noqa: F401 (a fixture, used below)
from tests.integration.discounts.helpers import live_schedule, spend
from tests.integration.events.conftest import make_event, make_index

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_gate_prefix")]
DASHBOARD = reverse("portal:dashboard")


def three_years_ago(today: dt.date) -> dt.date:
    try:
        return today.replace(year=today.year - 3)
    except ValueError:  # 29 February
        return dt.date(today.year - 3, 2, 28)


@pytest.fixture
def world(db):
    """Member < Silver (3M) < Gold (10M, 3 years); the 2026 schedule (5% from 3 years, 2% from
    10M); an events index with two events; a partner voucher reward with codes; a bundle."""
    tiers = {
        "member": TierFactory(code="member", name="Member", rank=0),
        "silver": TierFactory(code="silver", name="Silver", rank=10, min_rolling_spend=Decimal(3_000_000)),
        "gold": TierFactory(code="gold", name="Gold", rank=20, min_rolling_spend=Decimal(10_000_000),
                            min_tenure_years=3),
    }
    live_schedule()
    index = make_index()
    now = timezone.now().replace(microsecond=0)
    events = [
        make_event(index, title="Football night", starts_at=now + dt.timedelta(days=10)),
        make_event(index, title="Cinema morning", starts_at=now + dt.timedelta(days=12)),
    ]
    reward = RewardFactory(name="Coffee voucher", partner_voucher=True, points_cost=60, codes=5)
    bundle = template(name="Everyday")
    return {"tiers": tiers, "events": events, "reward": reward, "bundle": bundle, "now": now}


def member_with_data(world, *, client=None, downgrade_in_days: int = 20):
    """A linked member three years with us, in Silver with a downgrade due, 6,000,000 spent
    this month, 500 points (of which 120 expire in 10 days) less a 60-point voucher, confirmed
    for the football night."""
    user = UserFactory()
    today = timezone.localdate()
    member = MemberFactory(user=user, activation_date=three_years_ago(today))
    MemberTier.objects.update_or_create(member=member, defaults=dict(
        tier=world["tiers"]["silver"], since=today - dt.timedelta(days=300),
        qualified_until=today - dt.timedelta(days=5),
        downgrade_due=today + dt.timedelta(days=downgrade_in_days)))
    spend(member, (today.replace(day=1), 6_000_000))
    give_points(member, 380)
    give_points(member, 120)
    lot = PointLot.objects.filter(member=member, remaining=120).get()
    PointLot.objects.filter(pk=lot.pk).update(expires_at=timezone.now() + dt.timedelta(days=10))
    result = redemption_create(member_id=member.pk, reward_id=world["reward"].pk,
                               idempotency_key=f"dash-{member.pk}")
    assert result.is_success, result.message
    assert rsvp_create(event_id=world["events"][0].pk, member_id=member.pk).is_success
    if client is not None:
        client.force_login(user)
    return member


def test_every_block_shows_the_members_exact_figures(client, world):
    member = member_with_data(world, client=client)
    voucher = member.redemptions.get().voucher_code
    today = timezone.localdate()

    response = client.get(DASHBOARD)

    assert response.status_code == 200
    page = response.content.decode()
    # tier: Silver, 60% of the way to Gold (6M of 10M; tenure met), downgrade warned
    assert 'data-testid="tier-name">Silver<' in page
    assert 'value="60" data-testid="tier-percent"' in page
    assert "Progress to Gold" in page and "Spend 4,000,000 more in 12 months" in page
    due = date_format(today + dt.timedelta(days=20), "DATE_FORMAT")
    assert f"unless it does by {due}, you move down a tier" in page
    # points: 500 granted, 60 spent on the voucher; 120 expire in 10 days
    board = response.context["board"]
    assert (board.points.available, board.points.pending) == (440, 0)
    assert 'data-testid="points-available">440<' in page
    assert 'data-testid="points-pending">0<' in page
    assert board.expiring.points == 120
    assert "120 points expire soon" in page
    # discounts: 5% for three years' tenure; 2% from 10M spend
    assert [rate.reason for rate in board.discounts.rates] == ["5% for 3 years with us"]
    assert 'data-testid="discount-rate">5% for 3 years with us<' in page
    assert "5% off your bills" in page
    assert "Spend 4,000,000 more in 12 months for 2%." in page
    # events: soonest first, with the member's RSVP
    assert [e.title for e in board.events] == ["Football night", "Cinema morning"]
    assert page.index("Football night") < page.index("You are going") < page.index("Cinema morning")
    assert page.count("Not answered yet") == 1
    # vouchers: the code of the redemption
    assert [(v.reward_name, v.code) for v in board.vouchers] == [("Coffee voucher", voucher)]
    assert f"Coffee voucher: <code>{voucher}</code>" in page
    # bundle: 160,000 list, 5% tenure = 8,000 off, 152,000
    assert board.bundle.name == "Everyday"
    assert 'data-testid="bundle-list-price">160,000 VND<' in page
    assert 'data-testid="bundle-discount">−8,000 VND<' in page
    assert 'data-testid="bundle-total"><strong>152,000 VND</strong>' in page
    # what was there stays: the line card and the security links
    assert f'data-testid="member-msisdn">{member.msisdn}<' in page
    assert reverse("account_change_password") in page


def test_no_downgrade_warning_when_none_is_due(client, world):
    member = member_with_data(world, client=client)
    MemberTier.objects.filter(member=member).update(downgrade_due=None)

    page = client.get(DASHBOARD).content.decode()

    assert 'data-testid="tier-downgrade"' not in page


def test_blocks_say_so_when_empty(client, world):
    user = UserFactory()
    MemberFactory(user=user, activation_date=timezone.localdate() - dt.timedelta(days=30),
                  payment_plan="prepaid")
    world["bundle"].__class__.objects.update(plan_fit="postpaid")
    client.force_login(user)

    page = client.get(DASHBOARD).content.decode()

    assert 'data-testid="tier-name">Member<' in page  # the default tier
    assert "No points expire in the next 30 days." in page
    assert "No discount on your bills yet." in page
    assert "No vouchers to use right now." in page
    assert 'data-testid="dash-bundle"' not in page  # no template suits a prepaid line


def test_with_no_tier_published_the_tier_block_says_so_and_nothing_else(client):
    user = UserFactory()
    MemberFactory(user=user)
    client.force_login(user)

    page = client.get(DASHBOARD).content.decode()

    assert 'data-testid="tier-name">No tier yet<' in page
    assert "top tier" not in page and 'data-testid="tier-percent"' not in page


def test_a_login_without_a_line_sees_the_link_callout(client, world):
    client.force_login(UserFactory())

    page = client.get(DASHBOARD).content.decode()

    assert "Link my line" in page and reverse("portal:link") in page
    assert 'data-testid="dash-tier"' not in page and 'data-testid="dash-points"' not in page


def test_login_is_required(client):
    response = client.get(DASHBOARD)

    assert response.status_code == 302 and "login" in response.url


def test_another_members_data_never_shows(client, world):
    other = member_with_data(world)
    MemberTier.objects.filter(member=other).update(tier=world["tiers"]["gold"])
    give_points(other, 7777)
    other_voucher = other.redemptions.get().voucher_code
    user = UserFactory()
    mine = MemberFactory(user=user, activation_date=timezone.localdate() - dt.timedelta(days=30))
    client.force_login(user)

    response = client.get(DASHBOARD)

    page = response.content.decode()
    assert response.context["board"].member_id == mine.pk
    assert other_voucher not in page and other.msisdn not in page
    assert "8,217" not in page and "You are going" not in page
    assert 'data-testid="points-available">0<' in page
    assert 'data-testid="tier-name">Member<' in page


def test_a_returning_member_costs_at_most_eight_queries(client, world, django_assert_max_num_queries):
    """The steady state: the member has seen the page before (the first view recorded the
    offers' impressions), so the reference data (and the session, when Redis backs the cache)
    are in the cache. The 5: the user, the member with tier state, balance, spend and expiring
    points, the inbox, the member's RSVPs, the vouchers; plus the session with the embedded
    mode's database sessions."""
    member_with_data(world, client=client)
    client.get(DASHBOARD)
    expected = 5 if settings.SESSION_ENGINE.endswith("cached_db") else 6

    with django_assert_max_num_queries(8) as queries:
        response = client.get(DASHBOARD)

    assert response.status_code == 200
    assert len(queries) == expected, [q["sql"][:120] for q in queries]
    assert response.context["board"].points.available == 440


# Sessions come from the cache when Redis backs it (CI, production); the embedded mode (SQLite,
# no Redis) reads its database sessions with one more query.
BOUND = 8 if settings.SESSION_ENGINE.endswith("cached_db") else 9


def offer_in_inbox(member):
    campaign = CampaignFactory(name="Weekend data", offer_kind="bonus_points", bonus_points=200)
    return delivered(campaign, member)


def test_a_member_with_offers_in_the_inbox_costs_at_most_eight_queries(
    client, world, django_assert_max_num_queries
):
    member = member_with_data(world, client=client)
    offer_in_inbox(member)
    client.get(DASHBOARD)

    with django_assert_max_num_queries(8):
        response = client.get(DASHBOARD)

    assert len(response.context["offers"]) == 1


def test_an_accepted_discount_offer_is_read_only_for_a_member_who_holds_one(
    client, world, django_assert_max_num_queries
):
    member = member_with_data(world, client=client)
    client.get(DASHBOARD)
    with django_assert_max_num_queries(BOUND) as without_offer:
        client.get(DASHBOARD)
    campaign = CampaignFactory(offer_kind="discount", discount_percent=Decimal(10), offer_valid_days=14,
                               name="Win back")
    delivered(campaign, member)
    assert offer_accept(member_id=member.pk, campaign_id=campaign.pk, occurrence="once").is_success
    client.get(DASHBOARD)

    with django_assert_max_num_queries(BOUND) as with_offer:
        response = client.get(DASHBOARD)

    reasons = [rate.reason for rate in response.context["board"].discounts.rates]
    assert reasons[0] == "5% for 3 years with us" and 'from the offer "Win back"' in reasons[1]
    assert len(with_offer) == len(without_offer) + 2  # the inbox card's "taken" and the offer discounts


def test_a_cold_cache_costs_the_reference_reads_once(client, world, django_assert_max_num_queries):
    """After a flushed cache (Redis restarted) and once the process's own copies have lapsed:
    the session, the tiers, the discount schedules (3), the bundle templates (3), the bundle
    recommender's settings and add-on counts (2), the upcoming events (2), Wagtail's site root
    paths and the site menu are read again, once; the next request is back to the steady state."""
    member_with_data(world, client=client)
    client.get(DASHBOARD)
    cache.clear()
    reference_local_copies_drop()

    with django_assert_max_num_queries(19):
        assert client.get(DASHBOARD).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(DASHBOARD).status_code == 200


def test_a_published_tier_change_shows_on_the_next_request(client, world):
    """The reference cache is dropped when a tier is saved: no stale tier name."""
    member_with_data(world, client=client)
    assert "Progress to Gold" in client.get(DASHBOARD).content.decode()

    gold = world["tiers"]["gold"]
    gold.name = "Gold Plus"
    gold.save()

    assert "Progress to Gold Plus" in client.get(DASHBOARD).content.decode()


def test_the_bundle_card_is_the_builders_recommendation_sized_to_the_members_usage(
    client, world, django_assert_max_num_queries
):
    """Three months of 20 GB a month: the card sizes data above the template's 10 GB, says why,
    and shows what /portal/bundles/ recommends (same lines, same price), without a query more."""
    from rewards.activity.models import MonthlyActivity
    from rewards.bundles.services.recommendation import bundle_recommendation_for_member, usage_window

    member = member_with_data(world, client=client)
    client.get(DASHBOARD)  # the reference data, cached
    first, _last = usage_window(timezone.localdate(), 3)
    for number in range(3):
        month = (first + dt.timedelta(days=32 * number)).replace(day=1)
        MonthlyActivity.objects.update_or_create(
            member=member, month=month, defaults={"data_mb": 20 * 1024, "voice_minutes": 100, "sms": 20})

    # 6, as the steady state: plus the session in the embedded mode's database sessions
    with django_assert_max_num_queries(6 if settings.SESSION_ENGINE.endswith("cached_db") else 7):
        response = client.get(DASHBOARD)

    board = response.context["board"]
    expected = bundle_recommendation_for_member(member_id=member.pk)
    lines = {line.code: line.quantity for line in board.bundle.quote.lines}
    assert lines == expected.recommendation.quantities and lines["data-gb"] > 20
    assert board.bundle.quote.total == expected.quote.total
    page = response.content.decode()
    assert f'data-testid="dash-bundle-reason">{board.bundle.reasons[0].text}<' in page
    assert f'href="{reverse("portal:bundles")}" data-testid="dash-bundle-link"' in page


@pytest.mark.postgres
def test_a_returning_members_statements_are_parsed_once_per_process(client, world):
    """psycopg keeps its parse of a statement's placeholders only up to a length limit; the
    member snapshot (4.8 KB) is over psycopg's own 4 KB, so ``rewards.prepared`` raises it: a
    second dashboard parses no statement again (docs/PERFORMANCE.md, dashboard, stop 18)."""
    from psycopg import _queries

    member_with_data(world, client=client)
    client.get(DASHBOARD)
    parsed = []
    unkept = _queries._query2pg_nocache

    def counting(query, encoding):
        parsed.append(len(query))
        return unkept(query, encoding)

    kept_before = _queries._query2pg.cache_info().currsize
    _queries._query2pg_nocache = counting  # the path psycopg takes for a statement it does not keep
    try:
        response = client.get(DASHBOARD)
    finally:
        _queries._query2pg_nocache = unkept

    assert response.status_code == 200
    assert parsed == []
    assert _queries._query2pg.cache_info().currsize == kept_before
    assert _queries.MAX_CACHED_STATEMENT_LENGTH >= 4769
