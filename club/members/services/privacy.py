"""Erasing a member's personal data at their request, while the ledger, the contact log and
the campaign reports stay whole (docs/privacy.md).

The member row is kept with its id (the points ledger PROTECTs it; the contact log keys it
without a database constraint) and its aggregates; what identifies the person is replaced by
a stable pseudonym or cleared, the login is deactivated, and a ``MemberErasure`` row records
who asked and when. Idempotent: a second request finds the record and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone
from wagtail.log_actions import log

from ..models import ConsentPurpose, ConsentRecord, Member, MemberErasure
from ..privacy_registry import Erasure, Holding, holding_rows, personal_data_registry
from .consent import member_consent_set
from .payload_scrub import member_identifiers, payloads_scrub

MEMBER_ERASED_LOG_ACTION = "troika.member_erased"

# ITU-T reserves country code 999 for future use: no real line starts with it, so a pseudonym
# there never collides with a subscriber the billing system sends later, and it still passes
# the MSISDN's E.164 check.
ERASED_MSISDN_PREFIX = "+999"

# What every app holds about a member is declared in its ``personal_data.py`` (the registry,
# ``privacy_registry.py``) and erased here from those declarations. A step registered here is
# for what a declaration cannot say; the steps run in the erasure's transaction, in order.
_ERASURE_STEPS: list[Callable[[int], None]] = []


def member_erasure_step_register(step: Callable[[int], None]) -> Callable[[int], None]:
    """Register ``step(member_id)`` to run when a member is erased (once per function)."""
    if step not in _ERASURE_STEPS:
        _ERASURE_STEPS.append(step)
    return step


@dataclass(frozen=True)
class ErasureResult:
    member_id: int
    is_erased_now: bool  # False: it had been erased before; nothing changed


def erased_pseudonym(member_id: int) -> str:
    return f"erased-{member_id}"


def erased_msisdn(member_id: int) -> str:
    return f"{ERASED_MSISDN_PREFIX}{member_id:011d}"


def member_erase(*, member_id: int, source: MemberErasure.Source, erased_by=None) -> ErasureResult:
    """Erase or pseudonymise the member's personal data; record who asked."""
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member_id)
        if MemberErasure.objects.filter(member_id=member_id).exists():
            return ErasureResult(member_id=member_id, is_erased_now=False)
        identifiers = member_identifiers(member_id=member_id, user_id=member.user_id,
                                         msisdn_pseudonym=erased_msisdn(member_id),
                                         pseudonym=erased_pseudonym(member_id))
        is_portal = source == MemberErasure.Source.PORTAL
        consent_source = ConsentRecord.Source.PORTAL if is_portal else ConsentRecord.Source.STAFF
        for purpose in ConsentPurpose:
            member_consent_set(member_id=member_id, purpose=purpose, granted=False,
                               source=consent_source, recorded_by=erased_by)
        user_id = member.user_id
        holdings_erase(member_id=member_id, user_id=user_id)
        payloads_scrub(replacements=identifiers)
        Member.objects.filter(pk=member_id).update(
            msisdn=erased_msisdn(member_id),
            account_number=erased_pseudonym(member_id),
            city="",
            birth_date=None,
            attributes={},
            billing_detail_digest="",
            max_messages_per_week=None,
            quiet_hours_start=None,
            quiet_hours_end=None,
            user=None,
            updated_at=timezone.now(),
        )
        if user_id is not None:
            _user_deactivate(user_id)
        for step in _ERASURE_STEPS:
            step(member_id)
        MemberErasure.objects.create(member_id=member_id, source=source, erased_by=erased_by)
        # The audit log names staff; a member erasing themself is not named (their login's
        # email would be personal data kept in an append-only table).
        log(instance=member, action=MEMBER_ERASED_LOG_ACTION, user=None if is_portal else erased_by,
            data={"source": str(source)})
    return ErasureResult(member_id=member_id, is_erased_now=True)


def _user_deactivate(user_id: int) -> None:
    """The login goes dead rather than away: ledger entries and redemptions PROTECT the users
    they name (``staff_user``, ``cancelled_by``), so deleting could fail half-way."""
    user_model = get_user_model()
    user = user_model.objects.get(pk=user_id)
    user.email = f"{erased_pseudonym(user_id)}@erased.invalid"
    user.phone = None
    user.phone_verified = False
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()


def holdings_erase(*, member_id: int, user_id: int | None) -> None:
    """Apply every app's declaration (``personal_data.py``): delete the rows, or blank their
    personal fields; rows declared KEEP or SERVICE are left to their reason."""
    for holding in personal_data_registry().holdings:
        rows = holding_rows(holding, member_id=member_id, user_id=user_id)
        if holding.erasure is Erasure.DELETE:
            rows.delete()
        elif holding.erasure is Erasure.BLANK:
            rows.update(**_blanks(holding, member_id=member_id))


def _blanks(holding: Holding, *, member_id: int) -> dict:
    """Each personal field's erased value: the member's pseudonym for a copy of the line's
    numbers (an outbox keeps its NOT NULL columns), else empty."""
    values = {}
    for name in holding.fields:
        field = holding.model._meta.get_field(name)
        if name == "msisdn":
            values[name] = erased_msisdn(member_id)
        elif name == "account_number":
            values[name] = erased_pseudonym(member_id)
        elif field.null:
            values[name] = None
        elif isinstance(field, models.JSONField):
            values[name] = field.get_default() if field.has_default() else {}
        else:
            values[name] = ""
    return values
