"""Writing the contact log (docs/care.md)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from club.members.models import Member

from ..models import ContactKind, ContactLogEntry

SUMMARY_MAX = 4000
# A clock a few minutes ahead on the staff member's device is not "the future".
FUTURE_SLACK = dt.timedelta(minutes=5)


class ContactLogError(ValueError):
    """Bad input: ``errors`` maps each field to its message; nothing was written."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


def contact_log_add(
    *, member_id: int, staff_user, kind: str, happened_at: dt.datetime, summary: str,
    follow_up_on: dt.date | None = None, now: dt.datetime | None = None,
) -> ContactLogEntry:
    now = now or timezone.now()
    summary = (summary or "").strip()
    errors: dict[str, str] = {}
    if kind not in ContactKind.values:
        errors["kind"] = _("Choose a kind of contact from the list.")
    if not summary:
        errors["summary"] = _("Write what was said or done.")
    elif len(summary) > SUMMARY_MAX:
        errors["summary"] = _("Keep it under %(max)s characters.") % {"max": SUMMARY_MAX}
    if happened_at is None or timezone.is_naive(happened_at):
        errors["happened_at"] = _("Enter when it happened.")
    elif happened_at > now + FUTURE_SLACK:
        errors["happened_at"] = _("A contact cannot be in the future.")
    elif follow_up_on is not None and follow_up_on < timezone.localdate(happened_at):
        errors["follow_up_on"] = _("The follow-up cannot be before the contact.")
    if not Member.objects.filter(pk=member_id).exists():
        errors["member"] = _("No such member.")
    if errors:
        raise ContactLogError(errors)
    return ContactLogEntry.objects.create(
        member_id=member_id, staff_user=staff_user, kind=kind, happened_at=happened_at, summary=summary,
        follow_up_on=follow_up_on,
    )
