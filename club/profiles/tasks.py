"""Celery adapters of club.profiles: they take ids and call one service."""

from __future__ import annotations

from celery import shared_task

from .services import profiles_refresh_all
from .services.pending import profiles_refresh_pending_drain


@shared_task(name="profiles.refresh_drain", acks_late=True, ignore_result=True)
def profiles_refresh_drain_task() -> None:
    """The incremental path: refresh (profile, segments, churn score) every member whose billing
    events arrived since their last refresh. Queued by the billing listener's wake-up and by the
    beat every minute; a drain killed halfway rolls back and its requests stay pending."""
    profiles_refresh_pending_drain()


@shared_task(name="profiles.refresh_all_nightly")
def profiles_refresh_all_nightly_task() -> dict:
    run = profiles_refresh_all()
    return {"members": run.members, "chunks": run.chunks, "on": run.on.isoformat()}
