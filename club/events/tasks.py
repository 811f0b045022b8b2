"""Celery tasks of club events: thin adapters over the reminder services."""

from config.celery import app

from .services.reminders import event_reminders_claim, event_reminders_email


@app.task(name="events.reminders_send", acks_late=True)
def event_reminders_send_task() -> int:
    """Beat: claim the due reminders (committed batch by batch), then queue their emails."""
    batches = event_reminders_claim()
    for ids in batches:
        event_reminders_email_task.delay_on_commit(ids)
    return sum(len(ids) for ids in batches)


@app.task(name="events.reminders_email", acks_late=True)
def event_reminders_email_task(rsvp_ids: list[int]) -> int:
    return event_reminders_email(rsvp_ids=rsvp_ids)
