"""The public site's StreamField blocks. Marketers arrange them; the tiers, rewards and events
blocks read live data when the page renders (they hold a heading and a count, never a number
from the rewards or club apps)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

from club.events.selectors import event_upcoming

from .site_selectors import rewards_on_offer, tiers_live


class CallToActionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Text"))
    link = blocks.CharBlock(label=_("Link (path or URL)"))

    class Meta:
        label = _("Call to action")
        icon = "link"
        template = "cms/blocks/call_to_action.html"


class HeroBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"))
    text = blocks.TextBlock(label=_("Text"), required=False)
    show_account_links = blocks.BooleanBlock(
        label=_("Show sign up and log in"), required=False, default=True,
        help_text=_("Visitors get 'Join the club' and 'Log in'; logged-in members a link to their club."),
    )

    class Meta:
        label = _("Hero")
        icon = "pick"
        template = "cms/blocks/hero.html"


class LiveDataBlock(blocks.StructBlock):
    """A block whose template gets data read when the page renders (``live_context``)."""

    def live_context(self, value) -> dict:
        raise NotImplementedError

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context.update(self.live_context(value))
        return context


class TiersBlock(LiveDataBlock):
    """The live tiers with their thresholds and benefits, read at render time."""

    heading = blocks.CharBlock(label=_("Heading"), required=False)
    intro = blocks.TextBlock(label=_("Introduction"), required=False)

    class Meta:
        label = _("Tiers (live)")
        icon = "order"
        template = "cms/blocks/tiers.html"

    def live_context(self, value) -> dict:
        return {"tiers": tiers_live(), "currency": settings.OPERATOR_CURRENCY}


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"))
    text = blocks.TextBlock(label=_("Text"), required=False)


class HowItWorksBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), required=False)
    steps = blocks.ListBlock(StepBlock(), label=_("Steps"), min_num=1)

    class Meta:
        label = _("How it works")
        icon = "list-ol"
        template = "cms/blocks/how_it_works.html"


class RewardsHighlightBlock(LiveDataBlock):
    """A few live rewards, cheapest first, read at render time."""

    heading = blocks.CharBlock(label=_("Heading"), required=False)
    count = blocks.IntegerBlock(label=_("How many"), default=3, min_value=1, max_value=12)
    link = blocks.PageChooserBlock(
        label=_("Link to the catalogue"), required=False, page_type="cms.RewardsCataloguePage"
    )

    class Meta:
        label = _("Rewards highlight (live)")
        icon = "pick"
        template = "cms/blocks/rewards_highlight.html"

    def live_context(self, value) -> dict:
        return {"rewards": rewards_on_offer(limit=value["count"])}


class UpcomingEventsBlock(LiveDataBlock):
    """The next published club events, read at render time."""

    heading = blocks.CharBlock(label=_("Heading"), required=False)
    count = blocks.IntegerBlock(label=_("How many"), default=3, min_value=1, max_value=12)

    class Meta:
        label = _("Upcoming events (live)")
        icon = "date"
        template = "cms/blocks/upcoming_events.html"

    def live_context(self, value) -> dict:
        return {"events": event_upcoming(member_id=None, now=timezone.now(), limit=value["count"])}


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt = blocks.CharBlock(
        label=_("Alternative text"), required=False,
        help_text=_("What the image shows, for screen readers. Empty: the image's title."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False)

    class Meta:
        label = _("Image with caption")
        icon = "image"
        template = "cms/blocks/image.html"


class SiteBlocks(blocks.StreamBlock):
    heading = blocks.CharBlock(
        form_classname="title", label=_("Heading"), template="cms/blocks/heading.html"
    )
    paragraph = blocks.RichTextBlock(label=_("Paragraph"), template="cms/blocks/paragraph.html")
    call_to_action = CallToActionBlock()
    hero = HeroBlock()
    tiers = TiersBlock()
    how_it_works = HowItWorksBlock()
    rewards_highlight = RewardsHighlightBlock()
    upcoming_events = UpcomingEventsBlock()
    image = CaptionedImageBlock()


class ArticleBlocks(blocks.StreamBlock):
    heading = blocks.CharBlock(
        form_classname="title", label=_("Heading"), template="cms/blocks/heading.html"
    )
    paragraph = blocks.RichTextBlock(label=_("Paragraph"), template="cms/blocks/paragraph.html")
    image = CaptionedImageBlock()
    call_to_action = CallToActionBlock()
