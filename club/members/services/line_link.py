"""Linking a portal login to the subscriber line it owns, after proof.

Two proofs: a one-time code sent by SMS to the line (``line_link_code_request`` then
``line_link_code_verify``), or the account number plus a detail from the latest bill
(``line_link_by_account``). Either way the link is made by ``_member_link``, which is race-free:
the user row and the member row are locked in a fixed order inside one transaction and the
member is claimed with a conditional ``UPDATE ... WHERE user_id IS NULL``. A login links to one
line, and a line to one login (``Member.user`` is one-to-one).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from club.accounts.ratelimit import RateLimit, rate_limit_for, ratelimit_consume_all

from ..models import LineLinkChallenge, Member
from ..phone import InvalidPhoneNumber, phone_to_e164
from ..sms import sms_send
from .billing_detail import billing_detail_digest

CODE_DIGITS = 6
_CODE_SALT = "troika.members.line_link.code"


def code_validity() -> dt.timedelta:
    return dt.timedelta(seconds=settings.ONE_TIME_CODE_VALIDITY_SECONDS)


def _code_max_attempts() -> int:
    return settings.ONE_TIME_CODE_MAX_ATTEMPTS


def _rates(action: str, **subjects: str) -> list[tuple[RateLimit, str]]:
    """Per user, per client IP and per target, as ``settings.TROIKA_RATE_LIMITS`` says."""
    return [(rate_limit_for(action, kind), subject) for kind, subject in subjects.items()]


class LineLinkError(Exception):
    """A link attempt that changed nothing; ``message`` is safe to show to the user."""

    code = "line_link_error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class LineLinkAlreadyLinked(LineLinkError):
    code = "already_linked"


class LineLinkLineTaken(LineLinkError):
    code = "line_taken"


class LineLinkInvalidInput(LineLinkError):
    code = "invalid_input"


class LineLinkRateLimited(LineLinkError):
    code = "rate_limited"


class LineLinkCodeWrong(LineLinkError):
    code = "code_wrong"


class LineLinkCodeExpired(LineLinkError):
    code = "code_expired"


class LineLinkCodeUsed(LineLinkError):
    code = "code_used"


class LineLinkCodeAttemptsExhausted(LineLinkError):
    code = "code_attempts_exhausted"


class LineLinkProofRejected(LineLinkError):
    code = "proof_rejected"


@dataclass(frozen=True)
class LinkCodeRequest:
    """What the user is told after asking for a code: the same whether or not the line exists."""

    msisdn_masked: str
    expires_at: dt.datetime
    valid_minutes: int


# --- helpers --------------------------------------------------------------------------------


def msisdn_mask(msisdn: str) -> str:
    """'+84912345678' -> '+84•••••5678': enough for the owner to recognise, not to harvest."""
    if len(msisdn) <= 7:
        return msisdn
    return f"{msisdn[:3]}{'•' * (len(msisdn) - 7)}{msisdn[-4:]}"


def _code_digest(*, user_id: int, member_id: int, code: str) -> str:
    # Keyed with SECRET_KEY: a leaked table does not give away the million possible codes.
    return salted_hmac(_CODE_SALT, f"{user_id}:{member_id}:{code}", algorithm="sha256").hexdigest()


def _code_new() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def _require_unlinked(user) -> None:
    if Member.objects.filter(user=user).exists():
        raise LineLinkAlreadyLinked(_("Your login is already linked to a line."))


def _rate_limited() -> LineLinkRateLimited:
    return LineLinkRateLimited(_("Too many attempts. Please wait 10 minutes and try again."))


def _member_link(*, user, member_id: int) -> Member:
    """Claim the member for the user, or change nothing. Callers hold ``transaction.atomic()``."""
    user_model = get_user_model()
    # Lock order: the user, then the member. Two lines racing for one user, or two users racing
    # for one line, queue on the same row instead of both passing a check.
    user_model.objects.select_for_update().filter(pk=user.pk).first()
    member = Member.objects.select_for_update().get(pk=member_id)
    if Member.objects.filter(user_id=user.pk).exists():
        raise LineLinkAlreadyLinked(_("Your login is already linked to a line."))
    if member.user_id is not None:
        raise LineLinkLineTaken(_("This line is already linked to another login."))
    try:
        with transaction.atomic():
            claimed = Member.objects.filter(pk=member_id, user__isnull=True).update(
                user=user, updated_at=timezone.now()
            )
    except IntegrityError as exc:  # the one-to-one on Member.user: this user won elsewhere
        raise LineLinkAlreadyLinked(_("Your login is already linked to a line.")) from exc
    if claimed != 1:
        raise LineLinkLineTaken(_("This line is already linked to another login."))
    member.user = user
    return member


def _user_phone_set_if_free(*, user, msisdn: str) -> None:
    """The code proved the user holds ``msisdn``: make it their verified login phone, unless
    they already log in with another number or another login uses this one."""
    user_model = get_user_model()
    if user.phone and user.phone != msisdn:
        return
    if user_model.objects.filter(phone=msisdn).exclude(pk=user.pk).exists():
        return
    try:
        with transaction.atomic():
            user_model.objects.filter(pk=user.pk).update(phone=msisdn, phone_verified=True)
    except IntegrityError:  # taken by another login a moment ago
        return
    user.phone, user.phone_verified = msisdn, True


# --- services -------------------------------------------------------------------------------


def line_link_code_request(*, user, msisdn: str, client_ip: str = "") -> LinkCodeRequest:
    """Send a one-time code to ``msisdn`` if it is a line no other login holds.

    The answer is the same whether or not the line exists or is taken, so this cannot be used
    to find out who is a subscriber; only a real, free line receives an SMS.
    """
    try:
        e164 = phone_to_e164(msisdn)
    except InvalidPhoneNumber as exc:
        raise LineLinkInvalidInput(_("Enter a valid mobile number.")) from exc
    _require_unlinked(user)
    if not ratelimit_consume_all(
        checks=_rates("line_link_request", user=str(user.pk), ip=client_ip, target=e164)
    ):
        raise _rate_limited()

    now = timezone.now()
    validity = code_validity()
    answer = LinkCodeRequest(
        msisdn_masked=msisdn_mask(e164),
        expires_at=now + validity,
        valid_minutes=int(validity.total_seconds() // 60),
    )
    member = Member.objects.filter(msisdn=e164, user__isnull=True).only("pk", "msisdn").first()
    if member is None:
        return answer
    code = _code_new()
    with transaction.atomic():
        LineLinkChallenge.objects.create(
            user=user,
            member=member,
            code_digest=_code_digest(user_id=user.pk, member_id=member.pk, code=code),
            expires_at=answer.expires_at,
            max_attempts=_code_max_attempts(),
        )
        body = _("Your Troika code to link this line is %(code)s. It is valid for %(minutes)d "
                 "minutes. Do not share it.") % {"code": code, "minutes": answer.valid_minutes}
        transaction.on_commit(lambda: sms_send(to=member.msisdn, body=body))
    return answer


def line_link_code_verify(
    *, user, code: str, client_ip: str = "", now: dt.datetime | None = None
) -> Member:
    """Check the code against the user's latest challenge and, if right, link its line.

    Every guess is counted first, with ``UPDATE ... SET attempts = attempts + 1 WHERE attempts
    < max_attempts``: parallel guesses cannot exceed the limit. A challenge is used once.
    """
    code = "".join(code.split())
    if not ratelimit_consume_all(
        checks=_rates("line_link_verify", user=str(user.pk), ip=client_ip)
    ):
        raise _rate_limited()
    challenge = (
        LineLinkChallenge.objects.filter(user=user).order_by("-created_at", "-pk").first()
    )
    if challenge is None:
        raise LineLinkCodeWrong(_("This code is not right. Check the SMS or ask for a new code."))
    if challenge.used_at is not None:
        raise LineLinkCodeUsed(_("This code has already been used. Ask for a new code."))
    _require_unlinked(user)
    now = now or timezone.now()
    if challenge.expires_at <= now:
        raise LineLinkCodeExpired(_("This code has expired. Ask for a new code."))
    counted = LineLinkChallenge.objects.filter(
        pk=challenge.pk, used_at__isnull=True, attempts__lt=F("max_attempts")
    ).update(attempts=F("attempts") + 1)
    if counted != 1:
        raise LineLinkCodeAttemptsExhausted(
            _("Too many wrong codes. Ask for a new code.")
        )
    expected = _code_digest(user_id=user.pk, member_id=challenge.member_id, code=code)
    if not (len(code) == CODE_DIGITS and constant_time_compare(expected, challenge.code_digest)):
        attempts = LineLinkChallenge.objects.values_list("attempts", flat=True).get(pk=challenge.pk)
        left = max(challenge.max_attempts - attempts, 0)
        if left == 0:
            raise LineLinkCodeAttemptsExhausted(_("Too many wrong codes. Ask for a new code."))
        raise LineLinkCodeWrong(
            ngettext(
                "This code is not right. You have %(left)d more try.",
                "This code is not right. You have %(left)d more tries.",
                left,
            ) % {"left": left}
        )
    with transaction.atomic():
        spent = LineLinkChallenge.objects.filter(pk=challenge.pk, used_at__isnull=True).update(
            used_at=now
        )
        if spent != 1:
            raise LineLinkCodeUsed(_("This code has already been used. Ask for a new code."))
        member = _member_link(user=user, member_id=challenge.member_id)
        _user_phone_set_if_free(user=user, msisdn=member.msisdn)
    return member


def line_link_by_account(
    *, user, account_number: str, billing_detail: str, client_ip: str = ""
) -> Member:
    """Link the line of ``account_number`` if ``billing_detail`` matches its latest bill."""
    account_number = "".join(account_number.split())
    if not account_number or not billing_detail.strip():
        raise LineLinkInvalidInput(_("Enter the account number and the billing detail."))
    _require_unlinked(user)
    if not ratelimit_consume_all(
        checks=_rates(
            "line_link_account", user=str(user.pk), ip=client_ip, target=account_number.upper()
        )
    ):
        raise _rate_limited()
    offered = billing_detail_digest(billing_detail)
    # As typed or in capitals (how bills print them): an exact match keeps the unique index.
    member = (
        Member.objects.filter(account_number__in={account_number, account_number.upper()})
        .only("pk", "billing_detail_digest")
        .first()
    )
    expected = member.billing_detail_digest if member else ""
    # Compare even when there is no such account, so the answer takes the same time.
    matches = constant_time_compare(offered, expected or "0" * len(offered))
    if member is None or not expected or not matches:
        raise LineLinkProofRejected(
            _("The account number and billing detail do not match our records.")
        )
    with transaction.atomic():
        return _member_link(user=user, member_id=member.pk)


def line_link_challenges_purge(*, older_than: dt.timedelta) -> int:
    """Delete challenges that expired more than ``older_than`` ago; returns how many."""
    cutoff = timezone.now() - older_than
    deleted, _by_model = LineLinkChallenge.objects.filter(expires_at__lt=cutoff).delete()
    return deleted
