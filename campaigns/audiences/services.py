"""Writes of the audiences app: the stored count shown in the audience list."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .dates import audience_today
from .models import Audience
from .selectors import audience_count


def audience_count_refresh(*, audience_id: int, on: dt.date | None = None) -> int | None:
    """Count the audience's members on ``on`` (today) and store the figure; ``None`` when the
    audience no longer exists. Only the two count columns are written, so an edit saved in
    the meantime is never overwritten."""
    audience = Audience.objects.filter(pk=audience_id).only("pk", "match", "conditions").first()
    if audience is None:
        return None
    members = audience_count(audience=audience, on=on or audience_today())
    Audience.objects.filter(pk=audience_id).update(member_count=members, counted_at=timezone.now())
    return members


def audience_counts_refresh(*, on: dt.date | None = None) -> int:
    """Refresh every audience's stored count (lifecycle conditions change daily); returns how
    many were counted. One count query per audience."""
    on = on or audience_today()
    ids = list(Audience.objects.order_by("pk").values_list("pk", flat=True))
    return sum(audience_count_refresh(audience_id=pk, on=on) is not None for pk in ids)
