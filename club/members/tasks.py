"""Celery tasks of the members app: thin adapters that take ids and call one service."""

from config.celery import app

from .services.importing_jobs import subscriber_import_job_run


@app.task(name="members.subscriber_import_run", acks_late=True)
def subscriber_import_run(job_id: int) -> None:
    """Run the queued ``SubscriberImport`` ``job_id`` (a repeat delivery does nothing)."""
    subscriber_import_job_run(job_id=job_id)
