"""Offers: what a campaign gives a member, in words (preview, inbox, email), in the active
language with its separators ("1,500 bonus points", "1.500 điểm thưởng")."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from campaigns.models import Campaign, OfferKind
from rewards.discounts.quote import percent_text


def offer_summary(campaign: Campaign) -> str:
    """One line: "500 bonus points", "10% off your next bill"... Empty for a message only."""
    kind = campaign.offer_kind
    if kind == OfferKind.BONUS_POINTS and campaign.bonus_points:
        return _("%(points)s bonus points") % {
            "points": number_format(campaign.bonus_points, use_l10n=True, force_grouping=True)}
    if kind == OfferKind.DISCOUNT and campaign.discount_percent:
        return _("%(percent)s%% off your next bill") % {"percent": percent_text(campaign.discount_percent)}
    if kind == OfferKind.REWARD and campaign.reward_id:
        return _("A gift: %(reward)s") % {"reward": campaign.reward}
    if kind == OfferKind.CONTENT_PAGE and campaign.content_page_id:
        return _("Read: %(page)s") % {"page": campaign.content_page.title}
    if kind == OfferKind.EVENT and campaign.event_id:
        return _("You are invited: %(event)s") % {"event": campaign.event.title}
    if kind == OfferKind.SURVEY and campaign.survey_id:
        return _("Your opinion counts: %(survey)s") % {"survey": campaign.survey.title}
    if kind == OfferKind.BUNDLE and campaign.bundle_id:
        if campaign.discount_percent:
            return _("%(bundle)s, %(percent)s%% off your price") % {
                "bundle": campaign.bundle.name, "percent": percent_text(campaign.discount_percent)}
        return _("A bundle for you: %(bundle)s") % {"bundle": campaign.bundle.name}
    return ""
