"""Reads of member profiles."""

from __future__ import annotations

from .models import MemberProfile


def member_profile(*, member_id: int) -> MemberProfile | None:
    """The member's profile, or ``None`` before the first refresh that included them."""
    return MemberProfile.objects.filter(member_id=member_id).first()
