"""The live count: what Wagtail's preview panel shows while a marketer edits an audience.

Wagtail posts the form as it changes and renders ``Audience.serve_preview`` for the unsaved
audience; this adapter computes its figures (aggregates only), caches them by the conditions'
content so an unchanged form costs nothing, and bounds the time a count may take on
PostgreSQL so that a heavy draft cannot hold a web worker.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json

from django.core.cache import cache
from django.db import OperationalError, connection, transaction
from django.template.response import TemplateResponse
from django.utils import timezone

from .dates import audience_today
from .models import Audience
from .selectors import AudienceFigures, audience_figures, audience_sample

FIGURES_CACHE_SECONDS = 300
COUNT_TIME_LIMIT_SECONDS = 20
# Above twice this many active members the live figures are estimated from a sample of this
# size: exact per-condition counts over a million members take tens of seconds.
LIVE_SAMPLE_SIZE = 50_000
MEMBER_VIEW_PERMISSION = "members.view_member"


def audience_preview_response(*, audience: Audience, request, mode: str) -> TemplateResponse:
    on = audience_today()
    figures, counted_at = _figures(audience=audience, on=on)
    may_see_members = request.user.has_perm(MEMBER_VIEW_PERMISSION)
    sample = []
    if figures is not None and figures.members and may_see_members:
        sample = audience_sample(audience=audience, on=on)
    return TemplateResponse(request, "audiences/preview.html", {
        "audience": audience, "figures": figures, "counted_at": counted_at,
        "sample": sample, "time_limit": COUNT_TIME_LIMIT_SECONDS,
    })


def figures_cache_key(*, audience: Audience, on: dt.date) -> str:
    """The same conditions on the same day share their figures, whatever the audience."""
    content = [(child.block_type, child.block.get_prep_value(child.value)) for child in audience.conditions]
    text = json.dumps([audience.match, content, on.isoformat()], sort_keys=True, default=str)
    return "audiences:figures:" + hashlib.sha256(text.encode()).hexdigest()


def _figures(*, audience: Audience, on: dt.date) -> tuple[AudienceFigures | None, dt.datetime]:
    key = figures_cache_key(audience=audience, on=on)
    cached = cache.get(key)
    if cached is not None:
        return cached
    try:
        with live_query_settings(time_limit_seconds=COUNT_TIME_LIMIT_SECONDS):
            figures = audience_figures(audience=audience, on=on, sample_size=LIVE_SAMPLE_SIZE)
    except OperationalError:
        return None, timezone.now()  # too slow to count live; not cached, the next edit retries
    result = (figures, timezone.now())
    cache.set(key, result, FIGURES_CACHE_SECONDS)
    return result


@contextlib.contextmanager
def live_query_settings(*, time_limit_seconds: float):
    """On PostgreSQL, inside the block: cancel a statement that runs longer than the limit,
    and no JIT compilation (the planner asks for it on these many-subquery plans, and
    compiling took longer than a live preview may). The settings end with the block, also
    inside an outer transaction. Elsewhere, nothing changes."""
    if connection.vendor != "postgresql":
        yield
        return
    settings = {"statement_timeout": f"{int(time_limit_seconds * 1000)}ms", "jit": "off"}
    with transaction.atomic():
        previous = _set_local(settings)
        yield
        # On an error the savepoint's rollback undoes the settings; on success, undo them here.
        _set_local(previous)


def _set_local(settings: dict[str, str]) -> dict[str, str]:
    """Set ``settings`` for the current transaction; return their values before."""
    with connection.cursor() as cursor:
        previous = {}
        for name, value in settings.items():
            cursor.execute("SELECT current_setting(%s), set_config(%s, %s, true)", [name, name, value])
            previous[name] = cursor.fetchone()[0]
    return previous
