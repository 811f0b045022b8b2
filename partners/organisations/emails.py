"""The invitation email: plain text, in the language the invitation was sent in."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .models import PartnerInvitation
from .services.invitations import invitation_token_make

TEXT_TEMPLATE = "partners/email/invitation.txt"


def invitation_url(invitation: PartnerInvitation) -> str:
    token = invitation_token_make(invitation_id=invitation.pk)
    return f"{settings.SITE_URL}{reverse('partners:invitation', args=[token])}"


def invitation_email(*, invitation: PartnerInvitation) -> EmailMultiAlternatives:
    with translation.override(invitation.language or settings.LANGUAGE_CODE):
        context = {
            "operator_name": settings.OPERATOR_NAME,
            "partner_name": invitation.partner.name,
            "role": invitation.get_role_display(),
            "url": invitation_url(invitation),
            "expires_at": invitation.expires_at,
        }
        text = render_to_string(TEXT_TEMPLATE, context)
        subject = _("You are invited to the %(partner)s partner portal") % {
            "partner": invitation.partner.name
        }
    return EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[invitation.email]
    )


def partner_invitation_email_send(*, invitation_id: int) -> bool:
    """Send the invitation's email if it is still open; True when sent."""
    invitation = PartnerInvitation.objects.select_related("partner").filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_open:
        return False
    invitation_email(invitation=invitation).send()
    return True
