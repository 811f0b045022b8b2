"""A member's own communication preferences: channels and purposes (consents, with their
history), contact limits, interests and language. Each function checks its input and raises
``PreferencesInvalid`` (nothing written) before it writes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ConsentPurpose, ConsentRecord, Interest, Member
from .consent import ConsentChange, member_consent_set

# The most a member may ask for; more would be no limit at all.
MAX_MESSAGES_PER_WEEK_LIMIT = 50


class PreferencesInvalid(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class ContactLimits:
    max_messages_per_week: int | None
    quiet_hours_start: dt.time | None
    quiet_hours_end: dt.time | None


def member_consents_set(
    *, member_id: int, granted_by_purpose: dict[str, bool], source: ConsentRecord.Source,
    recorded_by=None,
) -> list[ConsentChange]:
    """Set several consents at once; only those that change are recorded (with ``source``)."""
    purposes = {}
    for purpose, granted in granted_by_purpose.items():
        if purpose not in ConsentPurpose.values:
            raise PreferencesInvalid(purpose, _("Unknown consent: %(purpose)s.") % {"purpose": purpose})
        purposes[ConsentPurpose(purpose)] = bool(granted)
    with transaction.atomic():
        return [
            member_consent_set(member_id=member_id, purpose=purpose, granted=granted, source=source,
                               recorded_by=recorded_by)
            for purpose, granted in purposes.items()
        ]


def contact_limits_check(limits: ContactLimits) -> None:
    count = limits.max_messages_per_week
    if count is not None and not 0 <= count <= MAX_MESSAGES_PER_WEEK_LIMIT:
        raise PreferencesInvalid(
            "max_messages_per_week",
            _("Choose between 0 and %(limit)d messages a week, or leave it empty for no limit of your own.")
            % {"limit": MAX_MESSAGES_PER_WEEK_LIMIT},
        )
    if (limits.quiet_hours_start is None) != (limits.quiet_hours_end is None):
        raise PreferencesInvalid(
            "quiet_hours_end", _("Give both the start and the end of your quiet hours, or neither.")
        )
    if limits.quiet_hours_start is not None and limits.quiet_hours_start == limits.quiet_hours_end:
        raise PreferencesInvalid(
            "quiet_hours_end", _("Quiet hours must end at another time than they start.")
        )


def member_contact_limits_set(*, member_id: int, limits: ContactLimits) -> None:
    """The member's own cap on marketing messages a week and quiet hours (which may span
    midnight: 22:00 to 07:00)."""
    contact_limits_check(limits)
    Member.objects.filter(pk=member_id).update(
        max_messages_per_week=limits.max_messages_per_week,
        quiet_hours_start=limits.quiet_hours_start,
        quiet_hours_end=limits.quiet_hours_end,
        updated_at=timezone.now(),
    )


def member_interests_set(*, member_id: int, interest_ids: list[int]) -> None:
    wanted = set(interest_ids)
    known = set(Interest.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    if known != wanted:
        raise PreferencesInvalid("interests", _("Choose interests from the list."))
    member = Member.objects.get(pk=member_id)
    with transaction.atomic():
        member.interests.set(sorted(wanted))


def member_language_set(*, member_id: int, language: str) -> None:
    """The language of the member's messages (and, set by the portal view, of its pages)."""
    if language not in dict(settings.LANGUAGES):
        raise PreferencesInvalid("language", _("Choose one of the languages offered."))
    Member.objects.filter(pk=member_id).update(language=language, updated_at=timezone.now())
