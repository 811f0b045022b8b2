"""Who may manage a partner's team: its administrators, and operator staff (from the admin)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..models import Partner, PartnerUser
from .errors import PartnerUserError


def can_manage_team(*, actor, partner: Partner) -> bool:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    if actor.is_staff or actor.is_superuser:
        return True
    return PartnerUser.objects.filter(user=actor, partner=partner, role="admin").exists()


def require_team_admin(*, actor, partner: Partner) -> None:
    if not can_manage_team(actor=actor, partner=partner):
        raise PartnerUserError({"__all__": _("Only the partner's administrators can manage its team.")})
