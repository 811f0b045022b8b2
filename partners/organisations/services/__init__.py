"""Writes of partner organisations: invitations and the team (docs/partners.md)."""

from .errors import PartnerUserError
from .invitations import (
    InvitationAcceptance,
    InvitationState,
    InvitationStep,
    invitation_state,
    invitation_token_make,
    invitation_token_read,
    partner_invitation_accept,
    partner_invitation_revoke,
    partner_user_invite,
)
from .team import partner_user_remove, partner_user_role_change

__all__ = [
    "InvitationAcceptance",
    "InvitationState",
    "InvitationStep",
    "invitation_state",
    "PartnerUserError",
    "invitation_token_make",
    "invitation_token_read",
    "partner_invitation_accept",
    "partner_invitation_revoke",
    "partner_user_invite",
    "partner_user_remove",
    "partner_user_role_change",
]
