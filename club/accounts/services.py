"""Writes about staff logins (docs/roles.md, "Who is staff")."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from .roles import ROLES

ROLE_GROUP_NAMES = frozenset(role.name for role in ROLES)


def role_holders_staff_set(*, user_ids: Iterable[int]) -> list[int]:
    """Make staff each of ``user_ids`` who holds a role but is not staff yet; returns their ids.

    The admin is staff-only, and Wagtail's user form has no staff checkbox: holding a role is
    what makes a login staff. Leaving a role does not undo it (an administrator deactivates the
    login). The database refuses staff status to a partner's login (docs/partners.md): such a
    login stays non-staff, and the admin stays closed to it.
    """
    users = get_user_model().objects
    candidates = (
        users.filter(pk__in=list(user_ids), is_staff=False, groups__name__in=ROLE_GROUP_NAMES)
        .values_list("pk", flat=True)
        .distinct()
    )
    made_staff = []
    for user_id in candidates:
        try:
            with transaction.atomic():
                users.filter(pk=user_id).update(is_staff=True)
        except IntegrityError:
            continue
        made_staff.append(user_id)
    return made_staff
