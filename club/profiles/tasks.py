"""Celery adapters of club.profiles: they take ids and call one service."""

from __future__ import annotations

from collections.abc import Sequence

from celery import shared_task

from .services import profiles_pipeline_run, profiles_refresh_all


@shared_task(name="profiles.refresh_members")
def profiles_refresh_members_task(member_ids: list[int]) -> dict:
    """The incremental path: re-profile (and re-segment, re-score) these members now."""
    run = profiles_pipeline_run(member_ids=member_ids)
    return {"members": run.members, "chunks": run.chunks}


@shared_task(name="profiles.refresh_all_nightly")
def profiles_refresh_all_nightly_task() -> dict:
    run = profiles_refresh_all()
    return {"members": run.members, "chunks": run.chunks, "on": run.on.isoformat()}


def profiles_refresh_queue(member_ids: Sequence[int]) -> None:
    """The billing listener: one task per ingested batch (not per event), after commit."""
    profiles_refresh_members_task.delay_on_commit([int(member_id) for member_id in member_ids])
