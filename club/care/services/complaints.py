"""Filing, assigning, answering and resolving complaints (docs/care.md)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from club.members.models import Member
from rewards.ledger.models import EntryKind, SourceType
from rewards.ledger.reasons import ReasonCode
from rewards.ledger.services import points_grant

from ..models import (
    PENDING_STATUSES,
    Complaint,
    ComplaintCategory,
    ComplaintStatus,
    ComplaintUpdate,
    ComplaintUpdateKind,
    ManagerAssignment,
)

SUBJECT_MAX = 120
TEXT_MAX = 4000
PENDING_MAX = 5  # complaints a member may have waiting at once
GOODWILL_MAX = 100_000

# Hours to the first response and to the resolution, per category. A deployment overrides any
# of them with the setting CARE_COMPLAINT_SLA_HOURS = {"billing": (4, 48), ...}.
DEFAULT_SLA_HOURS: dict[str, tuple[int, int]] = {
    ComplaintCategory.BILLING: (8, 72),
    ComplaintCategory.NETWORK: (4, 48),
    ComplaintCategory.DATA_SPEED: (8, 72),
    ComplaintCategory.CUSTOMER_SERVICE: (24, 120),
    ComplaintCategory.DEVICE: (24, 168),
    ComplaintCategory.OTHER: (24, 168),
}


class ComplaintError(ValueError):
    """Refused: ``errors`` maps each field (or ``__all__``) to its message; nothing was written."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


def complaint_sla_hours(category: str) -> tuple[int, int]:
    configured = getattr(settings, "CARE_COMPLAINT_SLA_HOURS", {}) or {}
    first, resolve = configured.get(category, DEFAULT_SLA_HOURS[category])
    return int(first), int(resolve)


def complaint_due_times(*, category: str, filed_at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    first, resolve = complaint_sla_hours(category)
    return filed_at + dt.timedelta(hours=first), filed_at + dt.timedelta(hours=resolve)


def _text_errors(errors: dict[str, str], field: str, text: str, *, limit: int, missing: str) -> None:
    if not text:
        errors[field] = missing
    elif len(text) > limit:
        errors[field] = _("Keep it under %(max)s characters.") % {"max": limit}


def complaint_file(
    *, member_id: int, category: str, subject: str, description: str, now: dt.datetime | None = None,
) -> Complaint:
    """A member's complaint, assigned to their account manager when they have one."""
    now = now or timezone.now()
    subject, description = (subject or "").strip(), (description or "").strip()
    errors: dict[str, str] = {}
    if category not in ComplaintCategory.values:
        errors["category"] = _("Choose what the complaint is about.")
    _text_errors(errors, "subject", subject, limit=SUBJECT_MAX, missing=_("Give the complaint a subject."))
    _text_errors(errors, "description", description, limit=TEXT_MAX, missing=_("Tell us what happened."))
    if errors:
        raise ComplaintError(errors)
    with transaction.atomic():
        # The member's row is the lock: two filings at once cannot both pass the limit.
        if not Member.objects.select_for_update().filter(pk=member_id).exists():
            raise ComplaintError({"__all__": _("No such member.")})
        pending = Complaint.objects.filter(member_id=member_id, status__in=PENDING_STATUSES).count()
        if pending >= PENDING_MAX:
            raise ComplaintError({"__all__": _(
                "You already have %(count)s complaints waiting for an answer. We will reply to them "
                "before you file another."
            ) % {"count": pending}})
        first_due, resolution_due = complaint_due_times(category=category, filed_at=now)
        manager_user_id = (ManagerAssignment.objects.filter(member_id=member_id, manager__active=True)
                           .values_list("manager__user_id", flat=True).first())
        complaint = Complaint.objects.create(
            member_id=member_id, category=category, subject=subject, description=description,
            assigned_to_id=manager_user_id, created_at=now, first_response_due=first_due,
            resolution_due=resolution_due,
        )
        ComplaintUpdate.objects.create(complaint=complaint, kind=ComplaintUpdateKind.FILED, at=now)
    return complaint


def _locked(complaint_id: int) -> Complaint:
    complaint = Complaint.objects.select_for_update().filter(pk=complaint_id).first()
    if complaint is None:
        raise ComplaintError({"__all__": _("No such complaint.")})
    return complaint


def complaint_assign(*, complaint_id: int, assignee, staff_user, now: dt.datetime | None = None) -> Complaint:
    """Give the complaint to ``assignee`` (a staff login; ``None`` leaves it unassigned)."""
    now = now or timezone.now()
    if assignee is not None and not (assignee.is_staff and assignee.is_active):
        raise ComplaintError({"assignee": _("Assign complaints to an active staff login.")})
    with transaction.atomic():
        complaint = _locked(complaint_id)
        if complaint.assigned_to_id == (assignee.pk if assignee else None):
            return complaint
        complaint.assigned_to = assignee
        complaint.save(update_fields=["assigned_to"])
        ComplaintUpdate.objects.create(complaint=complaint, kind=ComplaintUpdateKind.ASSIGNED, at=now,
                                       staff_user=staff_user)
    return complaint


def complaint_respond(
    *, complaint_id: int, staff_user, message: str, now: dt.datetime | None = None,
) -> Complaint:
    """A message to the member; the first one stops the first-response clock."""
    now = now or timezone.now()
    message = (message or "").strip()
    errors: dict[str, str] = {}
    _text_errors(errors, "message", message, limit=TEXT_MAX, missing=_("Write the answer to the member."))
    if errors:
        raise ComplaintError(errors)
    with transaction.atomic():
        complaint = _locked(complaint_id)
        if not complaint.is_pending:
            raise ComplaintError({"__all__": _("This complaint is already resolved.")})
        fields = []
        if complaint.first_responded_at is None:
            complaint.first_responded_at = now
            fields.append("first_responded_at")
        if complaint.status == ComplaintStatus.OPEN:
            complaint.status = ComplaintStatus.IN_PROGRESS
            fields.append("status")
        if fields:
            complaint.save(update_fields=fields)
        ComplaintUpdate.objects.create(complaint=complaint, kind=ComplaintUpdateKind.RESPONSE, at=now,
                                       staff_user=staff_user, message=message)
    return complaint


def complaint_resolve(
    *, complaint_id: int, staff_user, resolution: str, goodwill_points: int = 0,
    now: dt.datetime | None = None,
) -> Complaint:
    """Resolve once: the row is locked, so of two concurrent calls the second finds it resolved
    and changes nothing. Goodwill points go through the ledger with a key made of the complaint's
    id, a second line of defence against a double credit."""
    now = now or timezone.now()
    resolution = (resolution or "").strip()
    errors: dict[str, str] = {}
    _text_errors(errors, "resolution", resolution, limit=TEXT_MAX,
                 missing=_("Say how the complaint was resolved."))
    if not isinstance(goodwill_points, int) or not 0 <= goodwill_points <= GOODWILL_MAX:
        errors["goodwill_points"] = _("Goodwill points are a whole number from 0 to %(max)s.") % {
            "max": GOODWILL_MAX}
    if errors:
        raise ComplaintError(errors)
    with transaction.atomic():
        complaint = _locked(complaint_id)
        if not complaint.is_pending:
            return complaint
        complaint.status = ComplaintStatus.RESOLVED
        complaint.resolved_at = now
        complaint.resolution = resolution
        complaint.goodwill_points = goodwill_points
        if complaint.first_responded_at is None:
            complaint.first_responded_at = now
        complaint.save(update_fields=["status", "resolved_at", "resolution", "goodwill_points",
                                      "first_responded_at"])
        ComplaintUpdate.objects.create(complaint=complaint, kind=ComplaintUpdateKind.RESOLVED, at=now,
                                       staff_user=staff_user, message=resolution)
        if goodwill_points:
            points_grant(
                member_id=complaint.member_id, points=goodwill_points, kind=EntryKind.GOODWILL,
                reason=f"Goodwill for complaint #{complaint.pk}", source_type=SourceType.STAFF,
                reason_code=ReasonCode.COMPLAINT_GOODWILL,
                reason_values={"complaint": complaint.pk, "points": goodwill_points},
                source_ref=f"complaint:{complaint.pk}", idempotency_key=f"complaint-goodwill:{complaint.pk}",
                earned_at=now,
            )
    return complaint


def complaint_close(*, complaint_id: int) -> Complaint:
    """Close a resolved complaint (nothing more to do)."""
    with transaction.atomic():
        complaint = _locked(complaint_id)
        if complaint.status != ComplaintStatus.RESOLVED:
            raise ComplaintError({"__all__": _("Only a resolved complaint can be closed.")})
        complaint.status = ComplaintStatus.CLOSED
        complaint.save(update_fields=["status"])
    return complaint
