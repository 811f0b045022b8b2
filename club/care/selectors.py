"""Reads of club.care: a member's manager and contact log, the managers' loads, follow-ups."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from .models import AccountManager, ContactLogEntry, ManagerAssignment


@dataclass(frozen=True)
class ManagerCard:
    """What a member sees of their account manager."""

    name: str
    phone: str
    email: str

    @classmethod
    def of(cls, name: str | None, phone: str | None, email: str | None) -> ManagerCard | None:
        return cls(name=name, phone=phone or "", email=email or "") if name else None


# The member's manager as columns of a member query (the dashboard reads them in its snapshot).
MANAGER_CARD_FIELDS = (
    "care_assignment__manager__display_name",
    "care_assignment__manager__phone",
    "care_assignment__manager__email",
)


def member_account_manager(*, member_id: int) -> ManagerCard | None:
    row = (ManagerAssignment.objects.filter(member_id=member_id)
           .values_list("manager__display_name", "manager__phone", "manager__email").first())
    return ManagerCard.of(*row) if row else None


def member_assignment(*, member_id: int) -> ManagerAssignment | None:
    return (ManagerAssignment.objects.select_related("manager", "rule", "assigned_by")
            .filter(member_id=member_id).first())


def member_contact_log(*, member_id: int, limit: int = 100) -> list[ContactLogEntry]:
    return list(ContactLogEntry.objects.filter(member_id=member_id).select_related("staff_user")
                .order_by("-happened_at", "-pk")[:limit])


def managers_with_loads() -> QuerySet[AccountManager]:
    return AccountManager.objects.annotate(
        members=Count("assignments"),
        by_hand=Count("assignments", filter=Q(assignments__source="hand")),
    ).order_by("display_name")


def follow_ups_due(*, on: dt.date) -> QuerySet[ContactLogEntry]:
    return (ContactLogEntry.objects.filter(follow_up_on__isnull=False, follow_up_on__lte=on)
            .select_related("staff_user").order_by("follow_up_on", "pk"))
