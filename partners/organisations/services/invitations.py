"""Invitations: a partner's administrator (or operator staff) invites an email with a role; the
invitee opens the emailed link and joins (docs/partners.md, "Partner users and the portal").

- The link carries a signed token (``Signer``, salt below) of the invitation's id: it cannot be
  forged or pointed at another invitation. Whether it still works is the row's business: open
  (not accepted, not revoked) and younger than ``INVITATION_DAYS``. Accepting locks the row and
  marks it accepted in the same transaction as the new ``PartnerUser``, so a link works once.
- Who may accept, decided at acceptance (the inviter is never told anything about the address,
  which would let a partner probe who is a subscriber or staff):
  * no login with this email: the invitee sets a password; the login is created with the email
    verified (the link proved the mailbox);
  * a login that is not staff, not a subscriber (no linked line) and not acting for a partner:
    the invitee must be logged in as it and confirms; a login with no usable password (a
    partner user removed earlier) sets a new password instead;
  * staff, a subscriber's login, or a login already acting for a partner: refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from club.members.models import Member

from ..models import Partner, PartnerInvitation, PartnerRole, PartnerUser
from .errors import PartnerUserError
from .permissions import require_team_admin

INVITATION_DAYS = 7
TOKEN_SALT = "troika.partners.invitation"


def invitation_token_make(*, invitation_id: int) -> str:
    return signing.Signer(salt=TOKEN_SALT).sign_object({"i": invitation_id})


def invitation_token_read(token: str) -> int | None:
    """The invitation id the token was made for, or None when it is not one of ours."""
    try:
        payload = signing.Signer(salt=TOKEN_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    invitation_id = payload.get("i") if isinstance(payload, dict) else None
    return invitation_id if isinstance(invitation_id, int) else None


def _email_clean(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise PartnerUserError({"email": _("Enter a valid email address.")}) from None
    return email


def _role_clean(role: str) -> str:
    if role not in PartnerRole.values:
        raise PartnerUserError({"role": _("Choose a role: administrator or analyst.")})
    return role


def partner_user_invite(*, actor, partner: Partner, email: str, role: str) -> PartnerInvitation:
    """Invite ``email`` to act for ``partner`` with ``role``; the email goes out after commit.
    An earlier open invitation of the same address to the same partner is revoked (its link stops
    working). ``actor``: an administrator of the partner, or operator staff."""
    require_team_admin(actor=actor, partner=partner)
    email, role = _email_clean(email), _role_clean(role)
    if not partner.is_active:
        raise PartnerUserError({"__all__": _("This partner is inactive: it cannot invite anyone.")})
    if PartnerUser.objects.filter(partner=partner, user__email__iexact=email).exists():
        raise PartnerUserError({"email": _("This address is already in the team.")})
    now = timezone.now()
    try:
        with transaction.atomic():
            PartnerInvitation.objects.filter(
                partner=partner, email=email, accepted_at__isnull=True, revoked_at__isnull=True
            ).update(revoked_at=now)
            invitation = PartnerInvitation.objects.create(
                partner=partner, email=email, role=role, invited_by=actor,
                language=translation.get_language() or "",
                expires_at=now + dt.timedelta(days=INVITATION_DAYS),
            )
    except IntegrityError:  # another invitation of this address was created at the same moment
        raise PartnerUserError({"email": _("An invitation to this address was just sent.")}) from None
    from ..tasks import partner_invitation_email_task

    partner_invitation_email_task.delay_on_commit(invitation.pk)
    return invitation


def partner_invitation_revoke(*, actor, partner: Partner, invitation_id: int) -> bool:
    """Revoke an open invitation of ``partner``; False when it was no longer open."""
    require_team_admin(actor=actor, partner=partner)
    updated = PartnerInvitation.objects.filter(
        pk=invitation_id, partner=partner, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    return updated == 1


class InvitationStep(StrEnum):
    """What the invitation page asks of the person holding the link."""

    INVALID = "invalid"  # not a token of ours, or the invitation is gone
    EXPIRED = "expired"
    USED = "used"
    REVOKED = "revoked"
    REFUSED = "refused"  # the address belongs to staff, a subscriber or another partner's user
    SET_PASSWORD = "set_password"  # a new login (or a removed partner user's): choose a password
    LOG_IN = "log_in"  # an existing login: log in as it first
    OTHER_LOGIN = "other_login"  # logged in as someone else: log out first
    CONFIRM = "confirm"  # logged in as the invited address: confirm


@dataclass(frozen=True)
class InvitationState:
    step: InvitationStep
    invitation: PartnerInvitation | None = None


@dataclass(frozen=True)
class InvitationAcceptance:
    partner_user: PartnerUser
    created_login: bool


def _login_refusal(user) -> str | None:
    if user.is_staff or user.is_superuser:
        return _("This address belongs to an operator login, which cannot act for a partner.")
    if Member.objects.filter(user=user).exists():
        return _("This address belongs to a member's login, which cannot act for a partner. "
                 "Ask for an invitation to another address.")
    if PartnerUser.objects.filter(user=user).exists():
        return _("This address already acts for a partner. A login acts for one partner only.")
    return None


def _needs_password(user) -> bool:
    return not user.is_active or not user.has_usable_password()


def invitation_state(*, token: str, current_user=None) -> InvitationState:
    """Which step the invitation page shows (read only; acceptance checks it all again)."""
    invitation_id = invitation_token_read(token)
    invitation = (
        PartnerInvitation.objects.select_related("partner").filter(pk=invitation_id).first()
        if invitation_id is not None else None
    )
    if invitation is None or not invitation.partner.is_active:
        return InvitationState(InvitationStep.INVALID)
    closed = _closed_step(invitation)
    if closed is not None:
        return InvitationState(closed, invitation)
    user = get_user_model().objects.filter(email__iexact=invitation.email).first()
    if user is not None and _login_refusal(user):
        return InvitationState(InvitationStep.REFUSED, invitation)
    signed_in = current_user is not None and current_user.is_authenticated
    if signed_in and (user is None or current_user.pk != user.pk):
        return InvitationState(InvitationStep.OTHER_LOGIN, invitation)
    if user is None or _needs_password(user):
        return InvitationState(InvitationStep.SET_PASSWORD, invitation)
    return InvitationState(InvitationStep.CONFIRM if signed_in else InvitationStep.LOG_IN, invitation)


def _closed_step(invitation: PartnerInvitation) -> InvitationStep | None:
    if invitation.accepted_at is not None:
        return InvitationStep.USED
    if invitation.revoked_at is not None:
        return InvitationStep.REVOKED
    if invitation.expires_at <= timezone.now():
        return InvitationStep.EXPIRED
    return None


CLOSED_MESSAGES = {
    InvitationStep.INVALID: gettext_lazy("This invitation link is not valid."),
    InvitationStep.USED: gettext_lazy("This invitation has already been used."),
    InvitationStep.REVOKED: gettext_lazy("This invitation was withdrawn."),
    InvitationStep.EXPIRED: gettext_lazy("This invitation has expired. Ask for a new one."),
}


def _closed_error(step: InvitationStep) -> PartnerUserError:
    return PartnerUserError({"__all__": str(CLOSED_MESSAGES[step])})


def partner_invitation_accept(
    *, token: str, current_user=None, password: str | None = None
) -> InvitationAcceptance:
    """Join the invitation's partner. A new login (or one without a usable password) needs
    ``password``; an existing login must be ``current_user``. All or nothing."""
    invitation_id = invitation_token_read(token)
    if invitation_id is None:
        raise _closed_error(InvitationStep.INVALID)
    with transaction.atomic():
        invitation = (
            PartnerInvitation.objects.select_for_update().select_related("partner")
            .filter(pk=invitation_id).first()
        )
        if invitation is None or not invitation.partner.is_active:
            raise _closed_error(InvitationStep.INVALID)
        closed = _closed_step(invitation)
        if closed is not None:
            raise _closed_error(closed)
        user, created = _invitee_login(invitation, current_user=current_user, password=password)
        partner_user = PartnerUser.objects.create(user=user, partner=invitation.partner, role=invitation.role)
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        invitation.accepted_at, invitation.accepted_user = timezone.now(), user
        invitation.save(update_fields=["accepted_at", "accepted_user"])
    return InvitationAcceptance(partner_user=partner_user, created_login=created)


def _password_clean(password: str | None, user) -> str:
    if not password:
        raise PartnerUserError({"password1": _("Choose a password.")})
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise PartnerUserError({"password1": " ".join(error.messages)}) from None
    return password


def _other_login_error() -> PartnerUserError:
    message = _("You are logged in as someone else. Log out, then open the link again.")
    return PartnerUserError({"__all__": message})


def _invitee_login(invitation: PartnerInvitation, *, current_user, password: str | None):
    model = get_user_model()
    user = model.objects.select_for_update().filter(email__iexact=invitation.email).first()
    signed_in = current_user is not None and current_user.is_authenticated
    if user is None:
        if signed_in:
            raise _other_login_error()
        password = _password_clean(password, model(email=invitation.email))
        return model.objects.create_user(email=invitation.email, password=password), True
    refusal = _login_refusal(user)
    if refusal:
        raise PartnerUserError({"__all__": refusal})
    if signed_in and current_user.pk != user.pk:
        raise _other_login_error()
    if _needs_password(user):
        user.set_password(_password_clean(password, user))
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
        return user, False
    if not signed_in:
        raise PartnerUserError(
            {"__all__": _("This address already has a login: log in, then open the link again.")}
        )
    return user, False
