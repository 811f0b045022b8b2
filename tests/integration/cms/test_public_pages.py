"""The public site: the home page's blocks, the tier benefits page, the rewards catalogue and
the articles render live data (a change in the rewards app shows on the next request), the
page types sit where they belong, the header lists the home page's children, and the demo
builds these pages once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale, Page

from club.events.models import EventIndexPage, EventPage
from club.members.models import Interest
from cms.demo.site import demo_site_pages_load
from cms.models import (
    ArticleIndexPage,
    ArticlePage,
    ContentPage,
    HomePage,
    RewardsCataloguePage,
    TierBenefitsPage,
)
from rewards.catalogue.models import Reward, RewardStock
from rewards.discounts.models import DiscountSchedule, TenureBand, VolumeBracket
from tests.factories import EarningRuleFactory, MemberFactory, TierFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(db):
    """The demo's page tree (home, tiers, rewards, articles with three articles)."""
    if Page.get_first_root_node() is None:
        Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
        Page.add_root(instance=Page(title="Root", slug="root"))
    return demo_site_pages_load()


@pytest.fixture
def ladder(db):
    return [
        TierFactory(code="member", name="Member", rank=0),
        TierFactory(code="silver", name="Silver", rank=10, min_rolling_spend=Decimal("2000000"),
                    points_multiplier=Decimal("1.25"), discount_percent=Decimal("2")),
        TierFactory(code="gold", name="Gold", rank=20, min_rolling_spend=Decimal("6000000"),
                    min_tenure_years=2, points_multiplier=Decimal("1.5"),
                    discount_percent=Decimal("5"), event_access=True),
        TierFactory(code="draft", name="Diamond draft", rank=40, live=False),
    ]


def reward(name: str, points: int, kind: str = "data_pack", **fields) -> Reward:
    values = {"data_pack": {"data_mb": 1024}, "bill_credit": {"credit_amount": Decimal(50000)}}.get(kind, {})
    fields = {"live": True, **values, **fields}
    return Reward.objects.create(name=name, kind=kind, points_cost=points, **fields)


@pytest.fixture
def catalogue(db):
    now = timezone.now()
    sold_out = reward("Sold-out pack", 10)
    RewardStock.objects.create(reward=sold_out, remaining=0)
    return {
        "cheap": reward("1 GB data pack", 150),
        "credit": reward("50,000 VND bill credit", 500, kind="bill_credit"),
        "voucher": reward("Coffee voucher", 300, kind="partner_voucher"),
        "dear": reward("Stadium tickets", 4000, kind="event_ticket"),
        "draft": reward("Draft pack", 20, live=False),
        "expired": reward("Expired pack", 30, valid_until=now - dt.timedelta(days=1)),
        "sold_out": sold_out,
    }


def html_of(client, page) -> str:
    response = client.get(page.url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_home_page_shows_the_live_tiers_rewards_and_events(client, site, ladder, catalogue):
    index = EventIndexPage(title="Club events", slug="events")
    site.home.add_child(instance=index)
    starts = timezone.now() + dt.timedelta(days=5)
    index.add_child(instance=EventPage(
        title="Gaming cup", starts_at=starts, ends_at=starts + dt.timedelta(hours=2),
        venue_name="Sao Hub", venue_address="2 Lê Lợi", capacity=20,
    ))

    html = html_of(client, site.home)

    assert "Every bill, every top-up, every year with us counts" in html
    assert reverse("account_signup") in html and reverse("account_login") in html
    assert "How it works" in html and "Climb the tiers" in html
    assert "Member" in html and "Every member starts here." in html
    assert "Spend 2,000,000 VND in 12 months" in html and "×1.25 points on what you spend" in html
    assert "×1 points on what you spend" in html
    assert "Spend 6,000,000 VND in 12 months and 2 years with us" in html
    assert "5% off your bills" in html and "Diamond draft" not in html
    # the three cheapest rewards on offer; drafts, expired and sold-out ones never
    assert "1 GB data pack" in html and "150 points" in html
    assert "Coffee voucher" in html and "300 points" in html
    assert "50,000 VND bill credit" in html and "500 points" in html
    assert "Stadium tickets" not in html
    for hidden in ("Draft pack", "Expired pack", "Sold-out pack"):
        assert hidden not in html
    assert f'href="{RewardsCataloguePage.objects.get().url}"' in html
    assert "Gaming cup" in html and "Sao Hub" in html


def test_the_tiers_block_reads_the_tiers_when_the_page_renders(client, site, ladder):
    silver = ladder[1]
    silver.min_rolling_spend = Decimal("2500000")
    silver.save()
    ladder[3].live = True
    ladder[3].save()

    html = html_of(client, site.home)

    assert "Spend 2,500,000 VND in 12 months" in html and "2,000,000" not in html
    assert "Diamond draft" in html


def test_a_logged_in_member_is_sent_to_their_club_not_to_sign_up(client, site):
    user = UserFactory()
    MemberFactory(user=user)
    client.force_login(user)

    hero = html_of(client, site.home).split('data-testid="block-hero"')[1].split("</section>")[0]

    assert "Go to my club" in hero and reverse("portal:dashboard") in hero
    assert reverse("account_signup") not in hero and reverse("account_login") not in hero


def test_the_tier_benefits_page_compares_tiers_rates_and_discounts(client, site, ladder):
    EarningRuleFactory(name="Bills: 1 point per 10,000 VND")
    EarningRuleFactory(name="Old rule", live=False)
    schedule = DiscountSchedule.objects.create(name="Loyal subscribers", live=True,
                                               valid_from=dt.date(2026, 1, 1))
    VolumeBracket.objects.create(schedule=schedule, spend_from=Decimal("3000000"), percent=Decimal("3"))
    TenureBand.objects.create(schedule=schedule, years_from=5, percent=Decimal("4.5"))

    html = html_of(client, TierBenefitsPage.objects.get())

    assert "Tiers and benefits" in html and "Tiers and their benefits" in html
    row = html.split('data-testid="tier-row-gold"')[1].split("</tr>")[0]
    assert "Gold" in row and "6,000,000" in row and "<td>2</td>" in row
    assert "×1.5" in row and "5%" in row and row.count("Yes") == 1
    assert "Diamond draft" not in html
    assert "Bills: 1 point per 10,000 VND" in html and "Old rule" not in html
    assert "Loyal subscribers" in html
    assert "From 3,000,000 VND: 3% off" in html and "From 5 years: 4.5% off" in html


def test_the_catalogue_groups_the_rewards_on_offer_by_kind(client, site, catalogue):
    html = html_of(client, RewardsCataloguePage.objects.get())

    kinds = {"bill_credit": "Bill credit", "data_pack": "Data pack",  # the kinds' order
             "partner_voucher": "Partner voucher", "event_ticket": "Event ticket"}
    positions = [html.index(f'id="kind-{kind}-heading">{label}<') for kind, label in kinds.items()]
    assert positions == sorted(positions)
    data = html.split('data-testid="kind-data_pack"')[1].split("</section>")[0]
    assert "1 GB data pack" in data and "150 points" in data and "Coffee voucher" not in data
    assert "Stadium tickets" in html and "4,000 points" in html
    for hidden in ("Draft pack", "Expired pack", "Sold-out pack"):
        assert hidden not in html
    assert "to redeem your points" in html and 'data-testid="portal-rewards-link"' not in html


def test_a_member_on_the_catalogue_gets_a_link_to_their_rewards(client, site, catalogue):
    user = UserFactory()
    MemberFactory(user=user)
    client.force_login(user)

    html = html_of(client, RewardsCataloguePage.objects.get())

    assert 'data-testid="portal-rewards-link"' in html and reverse("portal:rewards") in html


def test_the_articles_index_lists_newest_first_a_page_at_a_time(client, site, monkeypatch):
    index = ArticleIndexPage.objects.get()
    monkeypatch.setattr(ArticleIndexPage, "per_page", 2)

    first = html_of(client, index)
    second = client.get(index.url, {"page": 2}).content.decode()
    beyond = client.get(index.url, {"page": 9}).content.decode()

    assert first.index("A season of club events") < first.index("Make your points go further")
    assert "Welcome to the club" not in first and "Page 1 of 2" in first and "?page=2" in first
    assert "Welcome to the club" in second and "Page 2 of 2" in second
    assert "Welcome to the club" in beyond  # past the end: the last page


def test_an_article_shows_its_date_body_and_interests(client, site):
    article = ArticlePage.objects.get(slug="make-your-points-go-further")
    football = Interest.objects.create(slug="football-fans", name="Football fans")
    article.interests.add(football)
    article.save()

    html = html_of(client, article)

    assert "Make your points go further" in html and "Nov. 2, 2026" in html
    assert "Points are spent oldest first" in html and "Football fans" in html


def test_page_types_sit_where_they_belong(site):
    home, index = site.home, ArticleIndexPage.objects.get()
    article = ArticlePage.objects.first()

    assert not ArticlePage.can_create_at(home) and ArticlePage.can_create_at(index)
    assert ArticleIndexPage.can_create_at(home) and not ArticleIndexPage.can_create_at(index)
    assert not TierBenefitsPage.can_create_at(home)  # one already: max_count 1
    assert not RewardsCataloguePage.can_create_at(home)
    assert ContentPage.can_create_at(home)
    assert not ContentPage.can_create_at(article)
    assert not HomePage.can_create_at(Page.get_first_root_node())  # max_count 1
    assert set(TierBenefitsPage.allowed_parent_page_models()) == {HomePage}
    assert set(ArticleIndexPage.allowed_subpage_models()) == {ArticlePage}


def test_the_header_lists_the_home_pages_children_in_menus(client, site):
    rewards = RewardsCataloguePage.objects.get()

    html = html_of(client, rewards)

    nav = html.split('<nav aria-label="Main">')[1].split("</nav>")[0]
    assert nav.index("Tiers and benefits") < nav.index("Rewards catalogue") < nav.index("Articles")
    assert f'href="{rewards.url}" class="site-nav-link" aria-current="page"' in nav

    rewards.show_in_menus = False
    rewards.save()
    nav = html_of(client, site.home).split('<nav aria-label="Main">')[1].split("</nav>")[0]
    assert "Rewards catalogue" not in nav and "Articles" in nav


def test_the_demo_builds_the_site_once():
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root"))

    first = demo_site_pages_load()
    pages = list(Page.objects.order_by("path").values_list("path", "title", "latest_revision_id"))
    body = list(HomePage.objects.get().body.raw_data)
    second = demo_site_pages_load()

    assert first.created == [
        "Sao Mobile Club", "Tiers and benefits", "Rewards catalogue", "Articles", "Welcome to the club",
        "Make your points go further", "A season of club events",
    ]
    assert second.created == [] and second.home.pk == first.home.pk
    assert list(Page.objects.order_by("path").values_list("path", "title", "latest_revision_id")) == pages
    assert list(HomePage.objects.get().body.raw_data) == body
    types = [block["type"] for block in body]
    assert types[:5] == ["hero", "how_it_works", "tiers", "rewards_highlight", "upcoming_events"]
    assert body[3]["value"]["link"] == RewardsCataloguePage.objects.get().pk


def test_the_site_menu_costs_one_query_then_none_until_a_page_changes(rf, site, django_assert_num_queries):
    from cms.templatetags.site_nav import site_nav_links

    request = rf.get("/articles/", HTTP_HOST="localhost")
    with django_assert_num_queries(1):
        first = site_nav_links({"request": request})
    with django_assert_num_queries(0):
        again = site_nav_links({"request": request})
    ArticleIndexPage.objects.get().save()  # any page saved: the menu is read again
    with django_assert_num_queries(1):
        site_nav_links({"request": request})

    assert first == again
    assert [(link.title, link.url, link.is_current) for link in first] == [
        ("Tiers and benefits", "/tiers/", False),
        ("Rewards catalogue", "/rewards/", False),
        ("Articles", "/articles/", True),
    ]
