"""Celery tasks of the ledger: thin adapters over the batched, kill-safe services."""

from config.celery import app

from .services import points_clear_due, points_expire_due


@app.task(name="ledger.points_clear_due", acks_late=True)
def points_clear_due_task() -> int:
    return points_clear_due()


@app.task(name="ledger.points_expire_due", acks_late=True)
def points_expire_due_task() -> int:
    return points_expire_due()
