from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page


class ContentBlocks(blocks.StreamBlock):
    heading = blocks.CharBlock(form_classname="title", label=_("Heading"))
    paragraph = blocks.RichTextBlock(label=_("Paragraph"))
    call_to_action = blocks.StructBlock(
        [
            ("text", blocks.CharBlock(label=_("Text"))),
            ("link", blocks.CharBlock(label=_("Link (path or URL)"))),
        ],
        label=_("Call to action"),
        icon="link",
    )


class HomePage(Page):
    """The public front page: what the club is and why to join."""

    intro = models.CharField(_("introduction"), max_length=255, blank=True)
    body = StreamField(ContentBlocks(), blank=True, use_json_field=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    max_count = 1
    template = "cms/home_page.html"


class ContentPage(Page):
    """A plain content page (about the club, FAQ, terms)."""

    body = StreamField(ContentBlocks(), blank=True, use_json_field=True)
    content_panels = Page.content_panels + [FieldPanel("body")]
    template = "cms/content_page.html"
