"""Reads for the partner portal. Every one takes the partner: nothing here crosses partners."""

from __future__ import annotations

from dataclasses import dataclass

from .models import Partner, PartnerRole, PartnerUser


@dataclass(frozen=True)
class PartnerSummary:
    partner: Partner
    admins: int
    analysts: int


def partner_summary(*, partner: Partner) -> PartnerSummary:
    roles = list(PartnerUser.objects.filter(partner=partner).values_list("role", flat=True))
    return PartnerSummary(
        partner=partner,
        admins=roles.count(PartnerRole.ADMIN),
        analysts=roles.count(PartnerRole.ANALYST),
    )


def partner_team(*, partner: Partner) -> list[PartnerUser]:
    return list(
        PartnerUser.objects.filter(partner=partner).select_related("user").order_by("user__email")
    )
