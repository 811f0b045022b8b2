"""The email a member receives for a campaign delivery.

An HTML part (tables and inline CSS only, no image or anything else fetched from elsewhere)
and its text/plain alternative, rendered from ``contact/email/campaign.{html,txt}`` in the
language of the message chosen for the member (``campaign_message_for``), so the footer
speaks the message's language. Marketing deliveries carry an unsubscribe link and the
RFC 8058 headers (``List-Unsubscribe`` with the one-click URL, ``List-Unsubscribe-Post``);
transactional ones keep the footer without them. See docs/email.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from campaigns.models import Campaign, CampaignMessage
from campaigns.offers.texts import offer_summary
from club.members.models import Channel
from club.members.unsubscribe import unsubscribe_token_make

from .models import Delivery

HTML_TEMPLATE = "contact/email/campaign.html"
TEXT_TEMPLATE = "contact/email/campaign.txt"
ONE_CLICK_POST = "List-Unsubscribe=One-Click"


@dataclass(frozen=True)
class EmailLinks:
    portal: str
    preferences: str
    unsubscribe: str | None  # the page with the confirmation button; None for transactional
    one_click: str | None  # what List-Unsubscribe names: a POST there unsubscribes


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def email_links(*, member_id: int, is_marketing: bool) -> EmailLinks:
    """The links of a member's email; portal URLs reversed by name (``campaigns`` may not
    import ``cms``)."""
    portal = _absolute(reverse("portal:dashboard"))
    preferences = _absolute(reverse("portal:preferences"))
    if not is_marketing:
        return EmailLinks(portal=portal, preferences=preferences, unsubscribe=None, one_click=None)
    token = unsubscribe_token_make(member_id=member_id, channel=Channel.EMAIL)
    return EmailLinks(
        portal=portal, preferences=preferences,
        unsubscribe=_absolute(reverse("portal:unsubscribe", kwargs={"token": token})),
        one_click=_absolute(reverse("portal:unsubscribe_one_click", kwargs={"token": token})),
    )


def campaign_email(
    *, delivery: Delivery, campaign: Campaign, message: CampaignMessage, to: str, connection=None
) -> EmailMultiAlternatives:
    """The message for one email delivery, ready to ``send()``."""
    links = email_links(member_id=delivery.member_id, is_marketing=delivery.marketing)
    with translation.override(message.language):
        context = {
            "operator_name": settings.OPERATOR_NAME,
            "language": message.language,
            "title": message.title,
            "body": message.body,
            "offer": offer_summary(campaign),
            "is_marketing": delivery.marketing,
            "links": links,
        }
        html = render_to_string(HTML_TEMPLATE, context)
        text = render_to_string(TEXT_TEMPLATE, context)
    headers = {}
    if links.one_click:
        headers = {"List-Unsubscribe": f"<{links.one_click}>", "List-Unsubscribe-Post": ONE_CLICK_POST}
    email = EmailMultiAlternatives(
        subject=message.title, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[to],
        headers=headers, connection=connection,
    )
    email.attach_alternative(html, "text/html")
    return email
