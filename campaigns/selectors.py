"""Reads about campaigns."""

from __future__ import annotations

from collections.abc import Sequence

from .models import CampaignMessage


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
