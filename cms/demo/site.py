"""The public site's page tree: a home page that explains the club, the tier benefits, the
rewards catalogue and three articles. Idempotent: pages that exist are left as they are (a
marketer may have edited them); only missing ones are created."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from wagtail.models import Locale, Page, Site

from cms.models import ArticleIndexPage, ArticlePage, HomePage, RewardsCataloguePage, TierBenefitsPage


def home_body(*, rewards_page: Page | None) -> list:
    return [
        ("hero", {
            "title": "Every bill, every top-up, every year with us counts",
            "text": "Join the club free with your line: earn points, climb the tiers and meet "
                    "other members at club events.",
            "show_account_links": True,
        }),
        ("how_it_works", {
            "heading": "How it works",
            "steps": [
                {"title": "Join with your line", "text": "Sign up and link your number or account."},
                {"title": "Earn points", "text": "Pay your bills, top up and use data: points arrive "
                                                 "on their own, more in higher tiers."},
                {"title": "Climb the tiers", "text": "Your spend over 12 months and your years with "
                                                     "us lift you to Silver, Gold and Platinum."},
                {"title": "Spend your points", "text": "Bill credit, data, minutes, vouchers and "
                                                       "tickets to club events."},
            ],
        }),
        ("tiers", {"heading": "Four tiers, more with every step",
                   "intro": "Every member starts in the first tier; these are the thresholds today."}),
        ("rewards_highlight", {"heading": "What your points buy", "count": 3,
                               "link": rewards_page}),
        ("upcoming_events", {"heading": "Coming up at the club", "count": 3}),
        ("heading", "Three ways the club rewards you"),
        ("paragraph", "<p><b>Points and discounts</b> for every bill you pay and every top-up, "
                      "with a discount that grows with your years with us.</p>"
                      "<p><b>The club</b>: events around what you love, articles and a person "
                      "who knows you.</p>"
                      "<p><b>Your bundle</b>: data, minutes and extras sized to how you really "
                      "use your line.</p>"),
        ("call_to_action", {"text": "Join the club", "link": "/accounts/signup/"}),
    ]


ARTICLES = [
    dict(slug="welcome-to-the-club", date=dt.date(2026, 10, 5), title="Welcome to the club",
         intro="What the club is, who it is for and how to get the most out of it.",
         body=[("paragraph", "<p>The club is open to every subscriber, prepaid or postpaid. "
                             "Link your line once and your points, tier and discounts follow "
                             "you from then on.</p>"),
               ("heading", "Three things to do first"),
               ("paragraph", "<p>Check your tier, set the messages you want to receive, and "
                             "choose your interests so we invite you to the right events.</p>")]),
    dict(slug="make-your-points-go-further", date=dt.date(2026, 11, 2),
         title="Make your points go further",
         intro="Points last, but they are worth most when you spend them on what you use.",
         body=[("paragraph", "<p>Data packs and bill credit are the everyday choices; partner "
                             "vouchers and event tickets are the treats. Points are spent oldest "
                             "first, so the ones closest to expiry go first.</p>")]),
    dict(slug="a-season-of-club-events", date=dt.date(2026, 11, 30),
         title="A season of club events",
         intro="Football nights, gaming tournaments and workshops: this season's programme.",
         body=[("paragraph", "<p>Club events are free for members. Some are for the higher "
                             "tiers; places are limited and confirmed in the order members "
                             "answer, with a waitlist when an event is full.</p>"),
               ("call_to_action", {"text": "See the events", "link": "/events/"})]),
]


@dataclass
class SiteDemoResult:
    home: HomePage
    created: list[str] = field(default_factory=list)  # titles of the pages created this run


def _child(parent: Page, model, *, slug: str, result: SiteDemoResult, **fields) -> Page:
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    result.created.append(page.title)
    return page


def _home(result: SiteDemoResult) -> tuple[HomePage, bool]:
    existing = HomePage.objects.first()
    if existing is not None:
        return existing, False
    root = Page.get_first_root_node()
    if root is None:  # Wagtail's migration made one; a test database's flush removes it
        Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
        root = Page.add_root(instance=Page(title="Root", slug="root"))
    home = HomePage(
        title=f"{settings.OPERATOR_NAME} Club",
        slug="club-home",
        intro="The loyalty club for every subscriber: points, privileges and people.",
        body=home_body(rewards_page=None),
    )
    root.add_child(instance=home)
    result.created.append(home.title)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True,
                            site_name="Troika")
    else:
        old_root = site.root_page
        site.root_page = home
        site.save(update_fields=["root_page"])
        if old_root.specific_class is Page and old_root.depth == 2 and not old_root.get_children():
            old_root.delete()  # Wagtail's "Welcome" placeholder
    return home, True


@transaction.atomic
def demo_site_pages_load() -> SiteDemoResult:
    result = SiteDemoResult(home=None)  # type: ignore[arg-type]
    home, home_created = _home(result)
    result.home = home
    _child(home, TierBenefitsPage, slug="tiers", result=result, title="Tiers and benefits",
           show_in_menus=True,
           intro="What each tier gives you, how you reach it, and how points and discounts add up.")
    rewards = _child(home, RewardsCataloguePage, slug="rewards", result=result,
                     title="Rewards catalogue", show_in_menus=True,
                     intro="Everything your points can buy, by kind.")
    articles = _child(home, ArticleIndexPage, slug="articles", result=result, title="Articles",
                      show_in_menus=True, intro="News, guides and stories from the club.")
    for article in ARTICLES:
        _child(articles, ArticlePage, result=result, **article)
    if home_created:  # the highlight links to the catalogue, which exists only now
        home.body = home_body(rewards_page=rewards)
        home.save(update_fields=["body"])
    return result


def demo_site_load() -> HomePage:
    return demo_site_pages_load().home
