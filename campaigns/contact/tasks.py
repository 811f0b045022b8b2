"""Celery tasks of contact: thin adapters, by id, queued after commit."""

from config.celery import app

from .services import deliveries_send, deliveries_send_due


@app.task(name="contact.deliveries_send", acks_late=True)
def deliveries_send_task(delivery_ids: list[int]) -> int:
    return deliveries_send(delivery_ids=delivery_ids).sent


@app.task(name="contact.deliveries_send_due", acks_late=True)
def deliveries_send_due_task() -> int:
    """Beat: what waited for the end of quiet hours (or a dead worker's claim)."""
    return deliveries_send_due().sent
