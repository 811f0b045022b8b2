"""Reads for the partner portal. Every one takes the partner: nothing here crosses partners."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from .models import Partner, PartnerInvitation, PartnerRole, PartnerUser


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


def partner_invitations_open(*, partner: Partner) -> list[PartnerInvitation]:
    """The partner's invitations still waiting for an answer (not accepted, revoked or expired)."""
    return list(
        PartnerInvitation.objects.filter(
            partner=partner, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        ).select_related("invited_by").order_by("-created_at")
    )


def partners_with_user_count():
    """Every partner with ``user_count`` (the admin's list)."""
    return Partner.objects.annotate(user_count=Count("users")).order_by("name")
