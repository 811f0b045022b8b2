"""A member's secret calendar feed: made on first ask, revoked by deleting it (the next one has
a new token, so a revoked URL never works again)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from ..models import CalendarFeed


def calendar_feed_get_or_create(*, member_id: int) -> CalendarFeed:
    """The member's feed, made now if they have none (two concurrent asks make one)."""
    feed = CalendarFeed.objects.filter(member_id=member_id).first()
    if feed is not None:
        return feed
    try:
        with transaction.atomic():
            return CalendarFeed.objects.create(member_id=member_id)
    except IntegrityError:  # the other ask made it first
        return CalendarFeed.objects.get(member_id=member_id)



def calendar_feed_revoke(*, member_id: int) -> bool:
    """Stop the member's feed URL working; True if there was one."""
    deleted, _by_model = CalendarFeed.objects.filter(member_id=member_id).delete()
    return bool(deleted)
