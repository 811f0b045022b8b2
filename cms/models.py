from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page, get_page_models

from club.members.selectors import member_for_user
from rewards.reference import reference_local_store_register

from .article_access import article_access, article_is_gated, articles_for_member
from .blocks import ArticleBlocks, SiteBlocks
from .site_selectors import discount_schedules, earning_rates, rewards_by_kind, tiers_live


class HomePage(Page):
    """The public front page: what the club is and why to join."""

    intro = models.CharField(_("introduction"), max_length=255, blank=True)
    body = StreamField(SiteBlocks(), blank=True, use_json_field=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    max_count = 1
    template = "cms/home_page.html"


class ContentPage(Page):
    """A plain content page (about the club, FAQ, terms)."""

    body = StreamField(SiteBlocks(), blank=True, use_json_field=True)
    content_panels = Page.content_panels + [FieldPanel("body")]
    template = "cms/content_page.html"


class SectionPage(Page):
    """A page of which the site has one, right under the home page: an introduction, what the
    page type reads when it renders, then a body of blocks."""

    intro = models.CharField(_("introduction"), max_length=255, blank=True)
    body = StreamField(SiteBlocks(), blank=True, use_json_field=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        abstract = True


class TierBenefitsPage(SectionPage):
    """Every live tier with its thresholds and benefits, the live earning rules and the volume
    and tenure discounts, all read when the page renders. A page type (not a content page with
    a tiers block) because the earning rates and discounts are a fixed part of it that
    marketers should not be able to leave out; the body holds what they add around it."""

    template = "cms/tier_benefits_page.html"

    class Meta:
        verbose_name = _("tier benefits page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["tiers"] = tiers_live()
        context["currency"] = settings.OPERATOR_CURRENCY
        context["earning_rates"] = earning_rates()
        context["discount_schedules"] = discount_schedules()
        return context


class RewardsCataloguePage(SectionPage):
    """The public rewards catalogue: every reward on offer, grouped by kind, with its price."""

    template = "cms/rewards_catalogue_page.html"

    class Meta:
        verbose_name = _("rewards catalogue page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["groups"] = rewards_by_kind()
        return context


class ArticleIndexPage(Page):
    """The club's articles, newest first, a page at a time."""

    intro = models.CharField(_("introduction"), max_length=255, blank=True)
    per_page = 10

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.ArticlePage"]
    template = "cms/article_index_page.html"

    class Meta:
        verbose_name = _("articles index")

    def articles(self):
        return (
            ArticlePage.objects.live().public().child_of(self)
            .select_related("image", "min_tier").order_by("-date", "-pk")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        member = member_for_user(user=request.user)
        newest = request.GET.get("order") == "newest" or member is None
        articles = self.articles() if newest else articles_for_member(self.articles(), member=member)
        context.update(for_member=member is not None, newest_first=newest)
        paginator = Paginator(articles, self.per_page)
        try:
            articles = paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            articles = paginator.page(1)
        except EmptyPage:
            articles = paginator.page(paginator.num_pages)
        context["articles"] = articles
        return context


class ArticlePage(Page):
    """One article: a date, an introduction, a body of blocks, an optional image, interests."""

    date = models.DateField(_("date"), default=timezone.localdate)
    intro = models.CharField(_("introduction"), max_length=255, blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("image"),
    )
    body = StreamField(ArticleBlocks(), blank=True, use_json_field=True)
    interests = ParentalManyToManyField(
        "members.Interest", blank=True, related_name="articles", verbose_name=_("interests"),
        help_text=_("What the article is about."),
    )
    audience = models.CharField(
        _("who may read it"), max_length=8, default="everyone",
        choices=[("everyone", _("Everyone")), ("members", _("Members with a linked line")),
                 ("club", _("Club members (earned or paid)"))],
        help_text=_("Others see the title, date and introduction, and how to get in."),
    )
    min_tier = models.ForeignKey(
        "tiers.Tier", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("minimum tier"), help_text=_("Only members at this tier or above may read it."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("intro"),
        FieldPanel("image"),
        FieldPanel("body"),
        FieldPanel("interests", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel([FieldPanel("audience"), FieldPanel("min_tier")], heading=_("Members only")),
    ]
    parent_page_types = ["cms.ArticleIndexPage"]
    subpage_types: list[str] = []
    template = "cms/article_page.html"

    class Meta:
        verbose_name = _("article")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["access"] = article_access(article=self, user=request.user)
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if article_is_gated(self):
            patch_cache_control(response, private=True)  # what it shows depends on who asks
        return response


# The header's site menu (cms/templatetags/site_nav.py) is cached; any page saved or deleted
# starts a new generation, so the menu never lags behind the tree.
SITE_NAV_GENERATION_KEY = "cms:site-nav:generation"
# Each process also keeps the menu for a moment (the reference data's rule): host -> (until, links).
SITE_NAV_LOCAL_COPIES: dict[str, tuple[float, list[tuple[str, str]]]] = reference_local_store_register({})


def _site_nav_forget(sender, instance, **kwargs):
    SITE_NAV_LOCAL_COPIES.clear()
    cache.delete(SITE_NAV_GENERATION_KEY)


def site_nav_connect() -> None:
    """Tie the menu's generation to the writes of every page model (``CmsConfig.ready``). Per
    model, not one receiver for every sender: a receiver without a sender would make Django
    load and signal every row of every cascade delete, in every app."""
    for model in get_page_models():
        for signal in (post_save, post_delete):
            signal.connect(_site_nav_forget, sender=model, dispatch_uid=f"site-nav:{model._meta.label}")
