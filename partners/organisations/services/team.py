"""A partner's team: change a role, remove a user. A partner always keeps one administrator.

Both lock the partner's row first (``select_for_update``), so two administrators demoting or
removing each other at the same moment cannot leave the partner with none: the second waits,
then counts the administrators left.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Partner, PartnerRole, PartnerUser
from .errors import PartnerUserError
from .permissions import require_team_admin


def _locked_team_member(*, partner: Partner, partner_user_id: int) -> PartnerUser:
    Partner.objects.select_for_update().filter(pk=partner.pk).values_list("pk", flat=True).first()
    target = (
        PartnerUser.objects.select_for_update().select_related("user")
        .filter(pk=partner_user_id, partner=partner).first()
    )
    if target is None:
        raise PartnerUserError({"__all__": _("This person is not in the team.")})
    return target


def _is_last_admin(target: PartnerUser) -> bool:
    if target.role != PartnerRole.ADMIN:
        return False
    admins = PartnerUser.objects.filter(partner_id=target.partner_id, role=PartnerRole.ADMIN)
    others = admins.exclude(pk=target.pk)
    return not others.exists()


def partner_user_role_change(*, actor, partner: Partner, partner_user_id: int, role: str) -> PartnerUser:
    require_team_admin(actor=actor, partner=partner)
    if role not in PartnerRole.values:
        raise PartnerUserError({"role": _("Choose a role: administrator or analyst.")})
    with transaction.atomic():
        target = _locked_team_member(partner=partner, partner_user_id=partner_user_id)
        if target.role == role:
            return target
        if _is_last_admin(target):
            raise PartnerUserError({"role": _("The partner's last administrator cannot become an analyst. "
                                              "Make someone else an administrator first.")})
        target.role = role
        target.save(update_fields=["role"])
    return target


def partner_user_remove(*, actor, partner: Partner, partner_user_id: int) -> None:
    """Remove the user from the team. Their login existed for the partner only: it is switched
    off (inactive, no usable password, no authenticators), which also ends its open sessions.
    Invited again, the person sets a new password and MFA."""
    require_team_admin(actor=actor, partner=partner)
    with transaction.atomic():
        target = _locked_team_member(partner=partner, partner_user_id=partner_user_id)
        if _is_last_admin(target):
            raise PartnerUserError({"__all__": _("The partner's last administrator cannot be removed. "
                                                 "Make someone else an administrator first.")})
        user = target.user
        target.delete()
        user.is_active = False
        user.set_unusable_password()
        user.save(update_fields=["is_active", "password"])
        Authenticator.objects.filter(user=user).delete()  # invited again, they set MFA up afresh
