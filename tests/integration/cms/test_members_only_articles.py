"""Members-only articles: who reads the body and who sees the teaser with the way in; the index
marks them and orders them by the member's interests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone
from wagtail.models import Locale, Page

from club.members.models import Interest
from club.membership.models import ClubMembership, MembershipSource, MembershipStatus
from cms.demo.site import demo_site_pages_load
from cms.models import ArticleIndexPage, ArticlePage
from rewards.tiers.models import MemberTier
from tests.factories import MemberFactory, TierFactory, UserFactory

pytestmark = pytest.mark.django_db
BODY = "Points are spent oldest first"  # in the demo article's body, never in its introduction


@pytest.fixture
def site(db):
    if Page.get_first_root_node() is None:
        Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
        Page.add_root(instance=Page(title="Root", slug="root"))
    demo_site_pages_load()
    return ArticlePage.objects.get(slug="make-your-points-go-further")


def gate(article, **fields):
    for name, value in fields.items():
        setattr(article, name, value)
    article.save_revision().publish()
    return ArticlePage.objects.get(pk=article.pk)


def linked_member(client, *, tier=None, interests=()):
    user = UserFactory()
    member = MemberFactory(user=user, language="en")
    if tier is not None:
        today = timezone.localdate()
        MemberTier.objects.update_or_create(member=member, defaults={
            "tier": tier, "since": today, "qualified_until": today + dt.timedelta(days=300)})
    member.interests.add(*interests)
    client.force_login(user)
    return member


def read(client, article):
    response = client.get(article.url)
    assert response.status_code == 200
    return response, response.content.decode()


def test_an_article_for_everyone_shows_its_body_to_anyone(client, site):
    response, html = read(client, site)
    assert BODY in html and 'data-testid="article-gate"' not in html
    assert "private" not in response.get("Cache-Control", "")


def test_a_members_article_shows_the_teaser_and_the_way_in(client, site):
    article = gate(site, audience="members")

    response, html = read(client, article)
    assert BODY not in html and "Log in to read the whole article." in html
    assert article.intro in html  # the teaser
    assert "private" in response["Cache-Control"]

    client.force_login(UserFactory())
    _response, html = read(client, article)
    assert BODY not in html and "Link your subscriber line" in html

    linked_member(client)
    _response, html = read(client, article)
    assert BODY in html and 'data-testid="article-gate"' not in html


def test_a_club_article_needs_a_membership_that_entitles_now(client, site):
    article = gate(site, audience="club")
    member = linked_member(client)

    _response, html = read(client, article)
    assert BODY not in html and "This article is for club members." in html

    ClubMembership.objects.create(member=member, source=MembershipSource.EARNED,
                                  status=MembershipStatus.ACTIVE)
    assert BODY in read(client, article)[1]

    ClubMembership.objects.filter(member=member).update(status=MembershipStatus.CANCELLED)
    assert BODY not in read(client, article)[1]


def test_a_minimum_tier_lets_in_that_tier_and_above(client, site):
    silver = TierFactory(code="silver", name="Silver", rank=10, min_rolling_spend=Decimal(1))
    gold = TierFactory(code="gold", name="Gold", rank=20, min_rolling_spend=Decimal(2))
    platinum = TierFactory(code="platinum", name="Platinum", rank=30, min_rolling_spend=Decimal(3))
    article = gate(site, audience="members", min_tier=gold)

    linked_member(client, tier=silver)
    _response, html = read(client, article)
    assert BODY not in html and "This article is for Gold members and above." in html

    linked_member(client, tier=gold)
    assert BODY in read(client, article)[1]
    linked_member(client, tier=platinum)
    assert BODY in read(client, article)[1]


def test_the_index_marks_gated_articles_and_puts_the_members_interests_first(client, site):
    index = ArticleIndexPage.objects.get()
    football = Interest.objects.create(slug="football", name="Football")
    articles = list(ArticlePage.objects.child_of(index).order_by("-date", "-pk"))
    oldest = articles[-1]
    oldest.interests.add(football)
    gate(oldest, audience="club")

    anonymous = client.get(index.url).content.decode()
    titles = [a.title for a in articles]
    assert [anonymous.index(t) for t in titles] == sorted(anonymous.index(t) for t in titles)  # newest first
    assert anonymous.count('data-testid="article-gate-badge"') == 1

    linked_member(client, interests=[football])
    mine = client.get(index.url).content.decode()
    assert mine.index(oldest.title) < min(mine.index(a.title) for a in articles[:-1])
    assert "What matches your interests comes first." in mine
    newest = client.get(index.url, {"order": "newest"}).content.decode()
    assert newest.index(articles[0].title) < newest.index(oldest.title)
