"""Celery tasks of partner organisations: thin adapters over the services."""

from config.celery import app

from .emails import partner_invitation_email_send


@app.task(name="partners.invitation_email", acks_late=True)
def partner_invitation_email_task(invitation_id: int) -> bool:
    return partner_invitation_email_send(invitation_id=invitation_id)
