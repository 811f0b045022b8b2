"""Changing a member's consent: the boolean on ``Member`` and a ``ConsentRecord`` row of its
history, in one transaction.

The change is a conditional ``UPDATE ... WHERE consent_x <> value``: of two requests racing
to make the same change, exactly one matches the row and writes the history; the other, like
a repeat of a change already made, writes nothing. No read-modify-write.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ..models import ConsentPurpose, ConsentRecord, Member
from ..selectors import CONSENT_FIELD_BY_PURPOSE
from ..unsubscribe import CONSENT_PURPOSE_BY_CHANNEL


@dataclass(frozen=True)
class ConsentChange:
    member_id: int
    purpose: str
    granted: bool
    is_changed: bool  # False: the consent already was so (or no such member); nothing written


def member_consent_set(
    *, member_id: int, purpose: ConsentPurpose, granted: bool, source: ConsentRecord.Source,
    recorded_by=None,
) -> ConsentChange:
    """Set one consent of a member, recording the change with its source; a no-op when the
    consent already has that value."""
    field_name = CONSENT_FIELD_BY_PURPOSE[ConsentPurpose(purpose)]
    with transaction.atomic():
        updated = (
            Member.objects.filter(pk=member_id).exclude(**{field_name: granted})
            .update(**{field_name: granted, "updated_at": timezone.now()})
        )
        if updated:
            ConsentRecord.objects.create(
                member_id=member_id, purpose=purpose, granted=granted, source=source,
                recorded_by=recorded_by,
            )
    return ConsentChange(member_id=member_id, purpose=purpose, granted=granted, is_changed=bool(updated))


def member_unsubscribe(*, member_id: int, channel: str) -> ConsentChange:
    """The member's own unsubscribe link: withdraw the channel's consent. Idempotent."""
    return member_consent_set(
        member_id=member_id, purpose=CONSENT_PURPOSE_BY_CHANNEL[channel], granted=False,
        source=ConsentRecord.Source.EMAIL_UNSUBSCRIBE,
    )
