"""Filling a reward's code pool: codes uploaded (a partner's list) or generated here."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..models import CODE_KINDS, Reward, VoucherCode

CODE_MAX_LENGTH = 64
# No 0/O, 1/I/L: codes are read aloud and typed from screens.
GENERATED_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
MAX_GENERATED = 100_000


@dataclass(frozen=True)
class VoucherUploadReport:
    added: int
    duplicates: int
    problems: list[str] = field(default_factory=list)  # "line N: message"


def voucher_codes_upload(
    *, reward_id: int, lines: Iterable[str], all_or_nothing: bool = True
) -> VoucherUploadReport:
    """Add one code per line (blank lines ignored). Codes already in the pool, or twice in the
    file, are counted as duplicates and skipped. A bad line (too long, spaces inside, not
    printable) is reported with its number; with ``all_or_nothing`` nothing is written then."""
    _code_reward(reward_id)
    codes: list[str] = []
    problems: list[str] = []
    for number, raw in enumerate(lines, start=1):
        code = raw.strip()
        if not code:
            continue
        if len(code) > CODE_MAX_LENGTH:
            problems.append(f"line {number}: longer than {CODE_MAX_LENGTH} characters")
        elif not code.isprintable() or any(char.isspace() for char in code):
            problems.append(f"line {number}: a code has no spaces or control characters")
        else:
            codes.append(code)
    if problems and all_or_nothing:
        return VoucherUploadReport(added=0, duplicates=0, problems=problems)
    added = _insert(reward_id, codes)
    return VoucherUploadReport(added=added, duplicates=len(codes) - added, problems=problems)


def voucher_codes_generate(*, reward_id: int, count: int, prefix: str = "", length: int = 10) -> int:
    """Generate ``count`` new random codes (``prefix`` + ``length`` characters); returns how many
    were added (a collision with an existing code is simply generated again)."""
    if not 1 <= count <= MAX_GENERATED:
        raise ValueError(f"generate between 1 and {MAX_GENERATED} codes at a time")
    if not 6 <= length <= 32 or len(prefix) + length > CODE_MAX_LENGTH:
        raise ValueError("codes have 6 to 32 random characters and at most 64 in all")
    if prefix and (not prefix.isprintable() or any(char.isspace() for char in prefix)):
        raise ValueError("the prefix has no spaces or control characters")
    _code_reward(reward_id)
    added = 0
    while added < count:
        batch = {
            prefix + "".join(secrets.choice(GENERATED_ALPHABET) for _ in range(length))
            for _ in range(count - added)
        }
        added += _insert(reward_id, list(batch))
    return added


def _code_reward(reward_id: int) -> None:
    kind = Reward.objects.filter(pk=reward_id).values_list("kind", flat=True).first()
    if kind is None:
        raise ValueError("there is no such reward")
    if kind not in CODE_KINDS:
        raise ValueError("only voucher and ticket rewards have a code pool")


def _insert(reward_id: int, codes: list[str]) -> int:
    unique = list(dict.fromkeys(codes))
    before = VoucherCode.objects.filter(reward_id=reward_id).count()
    VoucherCode.objects.bulk_create(
        [VoucherCode(reward_id=reward_id, code=code) for code in unique],
        ignore_conflicts=True,
        batch_size=2000,
    )
    return VoucherCode.objects.filter(reward_id=reward_id).count() - before
