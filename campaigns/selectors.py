"""Reads about campaigns."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.cache import cache
from django.db import transaction

from .models import CampaignMessage

MESSAGES_TIME_TO_LIVE = 15 * 60  # seconds; a backstop; writes drop the entry (campaign_messages_forget)


def _messages_key(campaign_id: int) -> str:
    return f"campaign-messages:1:{campaign_id}"


def campaign_messages(*, campaign_ids: Iterable[int]) -> dict[int, list[CampaignMessage]]:
    """The messages of these campaigns by campaign id, in the marketer's order: from the cache,
    with one query for the campaigns not in it. What every portal visit reads for its inbox;
    an entry is dropped whenever its campaign or one of its messages is written."""
    keys = {_messages_key(campaign_id): campaign_id for campaign_id in set(campaign_ids)}
    found = {keys[key]: messages for key, messages in cache.get_many(list(keys)).items()}
    missing = set(keys.values()) - found.keys()
    if missing:
        loaded: dict[int, list[CampaignMessage]] = {campaign_id: [] for campaign_id in missing}
        for message in CampaignMessage.objects.filter(campaign_id__in=missing).order_by("sort_order", "pk"):
            loaded[message.campaign_id].append(message)
        cache.set_many({_messages_key(c): messages for c, messages in loaded.items()}, MESSAGES_TIME_TO_LIVE)
        found.update(loaded)
    return found


def campaign_messages_forget(*, campaign_id: int | None, using: str | None = None) -> None:
    """Drop the campaign's cached messages now and again when the transaction commits (a
    reader between the two could otherwise cache the rows as they were)."""
    if campaign_id is None:
        return
    cache.delete(_messages_key(campaign_id))
    transaction.on_commit(lambda: cache.delete(_messages_key(campaign_id)), using=using)


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
