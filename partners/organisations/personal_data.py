"""partners.organisations holds nothing about a member (``club/members/privacy_registry.py``)."""

from club.members.privacy_registry import exempt

from .models import Partner, PartnerInvitation, PartnerUser

NOT_PERSONAL = exempt(
    Partner, PartnerUser, PartnerInvitation,
    reason="partner brands and their staff logins and invitations: business contacts, not subscribers",
)
