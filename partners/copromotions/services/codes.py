"""A co-promotion's code pool: generated here or uploaded by the partner (every line checked,
all or nothing), and a member's code taken from it once (``copromotion_code_claim``)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.contact.models import Delivery, DeliveryStatus

from ..models import CodeState, CoPromotion, CoPromotionState, CoPromotionStatus, PromotionCode
from .results import ClaimResult, CodeUploadReport

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{3,63}$")
# No 0/O, 1/I/L: codes are read aloud and typed at a till.
GENERATED_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GENERATED_LENGTH = 10
MAX_CODES = 100_000
MAX_UPLOAD_BYTES = 4 * 1024 * 1024
POOL_STATES = (CoPromotionState.DRAFT, CoPromotionState.SUBMITTED, CoPromotionState.APPROVED)


def copromotion_codes_generate(*, copromotion_id: int, count: int, partner_id: int | None = None) -> int:
    """Add ``count`` random codes (10 characters of an unambiguous alphabet); returns ``count``.
    ``partner_id`` restricts it to that partner's co-promotions (else "not found")."""
    if not isinstance(count, int) or not 1 <= count <= MAX_CODES:
        raise ValueError(_("Generate between 1 and %(max)s codes at a time.") % {"max": f"{MAX_CODES:,}"})
    with transaction.atomic():
        copromotion = _pool_owner(copromotion_id, partner_id)
        added = 0
        while added < count:
            batch = {
                "".join(secrets.choice(GENERATED_ALPHABET) for _ in range(GENERATED_LENGTH))
                for _ in range(count - added)
            }
            before = copromotion.codes.count()  # the pool is locked with its co-promotion
            PromotionCode.objects.bulk_create(
                [
                    PromotionCode(copromotion=copromotion, partner_id=copromotion.partner_id, code=code)
                    for code in batch
                ],
                ignore_conflicts=True,
                batch_size=2000,
            )
            added += copromotion.codes.count() - before
    return added


def copromotion_codes_upload(*, copromotion_id: int, file, partner_id: int | None = None) -> CodeUploadReport:
    """Add one code per line of ``file`` (bytes, text, a file object or an iterable of lines;
    UTF-8, blank lines ignored). Every bad line is reported (``line N: ...``): a malformed code,
    a code twice in the file, a code the partner already has. Any problem: nothing is written."""
    lines, problems = _read_lines(file)
    if problems:
        return CodeUploadReport(added=0, problems=problems)
    codes: dict[str, int] = {}
    for number, raw in lines:
        code = raw.strip()
        if not code:
            continue
        if not CODE_PATTERN.match(code):
            problems.append(_("line %(n)s: a code has 4 to 64 letters, digits, '-' or '_'") % {"n": number})
        elif code in codes:
            problems.append(
                _("line %(n)s: the same code as line %(first)s") % {"n": number, "first": codes[code]}
            )
        else:
            codes[code] = number
    if not codes and not problems:
        problems.append(_("The file has no codes."))
    if len(codes) > MAX_CODES:
        problems.append(_("At most %(max)s codes per file.") % {"max": f"{MAX_CODES:,}"})
    if problems:
        return CodeUploadReport(added=0, problems=problems)
    try:
        with transaction.atomic():
            copromotion = _pool_owner(copromotion_id, partner_id)
            taken = set(
                PromotionCode.objects.filter(
                    partner_id=copromotion.partner_id, code__in=list(codes)
                ).values_list("code", flat=True)
            )
            if taken:
                return CodeUploadReport(
                    added=0,
                    problems=[
                        _("line %(n)s: this code is already in one of your pools") % {"n": codes[code]}
                        for code in sorted(taken, key=codes.__getitem__)
                    ],
                )
            PromotionCode.objects.bulk_create(
                [
                    PromotionCode(copromotion=copromotion, partner_id=copromotion.partner_id, code=code)
                    for code in codes
                ],
                batch_size=2000,
            )
    except IntegrityError:  # a concurrent upload took one of the codes first
        return CodeUploadReport(
            added=0, problems=[_("Some codes were added by someone else meanwhile: upload the file again.")]
        )
    return CodeUploadReport(added=len(codes), problems=[])


def copromotion_code_claim(*, member_id: int, copromotion_id: int) -> ClaimResult:
    """The member's code of a running co-promotion whose campaign reached them: the same code
    every time (one per member, a unique constraint); a new one is taken from the pool with
    ``SKIP LOCKED`` so concurrent claims take different codes without waiting."""
    copromotion = CoPromotion.objects.select_related("campaign").filter(pk=copromotion_id).first()
    if copromotion is None or not _was_delivered(copromotion, member_id):
        return ClaimResult(error="not_offered", message=_("This offer was not made to you."))
    mine = _code_of(copromotion_id, member_id)
    if mine:
        return ClaimResult(code=mine)
    if copromotion.status != CoPromotionStatus.RUNNING:
        return ClaimResult(error="promotion_not_running", message=_("This promotion is not running."))
    try:
        with transaction.atomic():
            free = (
                PromotionCode.objects.select_for_update(skip_locked=True)
                .filter(copromotion_id=copromotion_id, state=CodeState.AVAILABLE)
                .order_by("pk")
                .first()
            )
            if free is None:
                return ClaimResult(
                    error="no_codes_left", message=_("All the codes of this promotion are taken.")
                )
            PromotionCode.objects.filter(pk=free.pk).update(
                state=CodeState.ASSIGNED, member_id=member_id, assigned_at=timezone.now()
            )
    except IntegrityError:  # the member's concurrent claim took one first
        return ClaimResult(code=_code_of(copromotion_id, member_id))
    return ClaimResult(code=free.code)


def _code_of(copromotion_id: int, member_id: int) -> str:
    return (
        PromotionCode.objects.filter(copromotion_id=copromotion_id, member_id=member_id)
        .values_list("code", flat=True)
        .first()
        or ""
    )


def _was_delivered(copromotion: CoPromotion, member_id: int) -> bool:
    if not copromotion.campaign_id:
        return False
    return Delivery.objects.filter(
        campaign_id=copromotion.campaign_id,
        member_id=member_id,
        status__in=[DeliveryStatus.SENT, DeliveryStatus.VIEWED],
    ).exists()


def _pool_owner(copromotion_id: int, partner_id: int | None) -> CoPromotion:
    query = CoPromotion.objects.select_for_update().filter(pk=copromotion_id)
    if partner_id is not None:
        query = query.filter(partner_id=partner_id)
    copromotion = query.first()
    if copromotion is None:
        raise CoPromotion.DoesNotExist
    if copromotion.state not in POOL_STATES or copromotion.status == CoPromotionStatus.ENDED:
        raise ValueError(_("Codes can be added only to a co-promotion that has not ended or been rejected."))
    return copromotion


def _read_lines(file) -> tuple[list[tuple[int, str]], list[str]]:
    if hasattr(file, "read"):
        file = file.read(MAX_UPLOAD_BYTES + 1)
    if isinstance(file, bytes):
        if len(file) > MAX_UPLOAD_BYTES:
            return [], [_("The file is larger than 4 MB.")]
        try:
            file = file.decode("utf-8-sig")
        except UnicodeDecodeError:
            return [], [_("The file is not UTF-8 text.")]
    lines: Iterable[str] = file.splitlines() if isinstance(file, str) else file
    return list(enumerate(lines, start=1)), []
