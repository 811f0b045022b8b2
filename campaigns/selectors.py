"""Reads about campaigns."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.cache import cache

from rewards.reference import forget_now_and_at_commit

from .models import Campaign, CampaignMessage
from .offers.extensions import offer_extension_relations

DISPLAY_TIME_TO_LIVE = 15 * 60  # seconds; a backstop: writes drop the entry (campaign_display_forget)


def _display_key(campaign_id: int) -> str:
    return f"campaign-display:1:{campaign_id}"


@dataclass(frozen=True)
class CampaignDisplay:
    """What a member's inbox shows of a campaign: the campaign with what its offer points at
    (reward, content page, event, bundle) and its messages in the marketer's order."""

    campaign: Campaign
    messages: tuple[CampaignMessage, ...]


def _message_order(message: CampaignMessage) -> tuple[int, int]:
    return (message.sort_order or 0, message.pk)


def campaign_displays(*, campaign_ids: Iterable[int]) -> dict[int, CampaignDisplay]:
    """The displays of these campaigns by id: from the cache, with two queries for those not in
    it. What every portal visit reads for its inbox. An entry is dropped whenever its campaign
    or one of its messages is written; a renamed reward, page, event or bundle shows within the
    time-to-live."""
    keys = {_display_key(campaign_id): campaign_id for campaign_id in set(campaign_ids)}
    found = {keys[key]: display for key, display in cache.get_many(list(keys)).items()}
    missing = set(keys.values()) - found.keys()
    if missing:
        # The offer extensions' relations (campaigns.offers.extensions) come in the same query.
        relations = offer_extension_relations()
        campaigns = (Campaign.objects.select_related("reward", "content_page", "event", "bundle", "survey",
                                                     *relations)
                     .prefetch_related("messages").in_bulk(missing))
        loaded = {
            pk: CampaignDisplay(campaign, tuple(sorted(campaign.messages.all(), key=_message_order)))
            for pk, campaign in campaigns.items()
        }
        cache.set_many({_display_key(pk): display for pk, display in loaded.items()}, DISPLAY_TIME_TO_LIVE)
        found.update(loaded)
    return found


def campaign_display_forget(*, campaign_id: int | None, using: str | None = None) -> None:
    """Drop the campaign's cached display, now and when the transaction commits."""
    if campaign_id is not None:
        forget_now_and_at_commit(lambda: cache.delete(_display_key(campaign_id)), using=using)


def campaign_message_for(*, messages: Sequence[CampaignMessage], language: str) -> CampaignMessage | None:
    """The message in ``language``, else in its base language ("zh" for "zh-hans"), else the
    first one (in the order the marketer set)."""
    if not messages:
        return None
    ordered = sorted(messages, key=lambda m: (m.sort_order if m.sort_order is not None else 0))
    by_language = {message.language: message for message in ordered}
    base = language.split("-")[0]
    return (by_language.get(language)
            or next((m for m in ordered if m.language.split("-")[0] == base), None)
            or ordered[0])
