"""Celery tasks of the audiences app: thin adapters that call one service."""

from config.celery import app

from .services import audience_count_refresh, audience_counts_refresh


@app.task(name="audiences.count_refresh", acks_late=True)
def audience_count_refresh_task(audience_id: int) -> None:
    """Queued after an audience is saved (``delay_on_commit``)."""
    audience_count_refresh(audience_id=audience_id)


@app.task(name="audiences.counts_refresh_nightly", acks_late=True)
def audience_counts_refresh_nightly() -> None:
    """Beat entry: every audience's count for the new day."""
    audience_counts_refresh()
