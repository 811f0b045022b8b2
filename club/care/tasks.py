"""Celery adapters of club.care."""

from __future__ import annotations

from celery import shared_task

from .services import managers_assign_by_rules


@shared_task(name="care.managers_assign_by_rules")
def managers_assign_by_rules_task() -> dict:
    run = managers_assign_by_rules()
    return {"assigned": run.assigned, "released": run.released, "unplaced": run.unplaced}
