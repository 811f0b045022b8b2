"""API keys: create (the secret is returned once), revoke, rotate; and the check made on every
request.

The key is hashed with HMAC-SHA256 under a server-side secret (``PARTNER_API_KEY_PEPPER``,
by default ``SECRET_KEY``), not with a slow password hash: a key is 256 random bits, so it
cannot be guessed from its hash and needs no stretching, while a slow hash (PBKDF2, argon2) on
every request would cost tens of milliseconds of CPU per call. The keyed hash also makes a
leaked table useless without the server's secret.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.organisations.models import Partner

from ..key_generation import key_generation_bump, key_generation_read
from ..models import DEFAULT_RATE_LIMIT_PER_MINUTE, ApiKey, Scope
from ..ratelimit import RateDecision, ratelimit_hit

KEY_PREFIX = "tpk_"
ROTATION_GRACE = dt.timedelta(hours=24)
LAST_USED_RESOLUTION_SECONDS = 60
MAX_RATE_LIMIT_PER_MINUTE = 100_000


class ApiKeyError(ValueError):
    """A key operation refused, with a message for the person who asked."""


class ApiKeyNotFound(ApiKeyError):
    """No key of this id belongs to the partner (it may be another partner's)."""


@dataclass(frozen=True)
class CreatedKey:
    api_key: ApiKey
    secret: str  # the whole key, shown once: it is not stored anywhere


def _pepper() -> bytes:
    return (getattr(settings, "PARTNER_API_KEY_PEPPER", "") or settings.SECRET_KEY).encode()


def key_digest(raw: str) -> str:
    return hmac.new(_pepper(), raw.encode(), hashlib.sha256).hexdigest()


def key_prefix_of(raw: str) -> str | None:
    """The public prefix of a presented key, or None when it is not shaped like one."""
    if not raw.startswith(KEY_PREFIX):
        return None
    prefix, sep, secret = raw[len(KEY_PREFIX):].partition("_")
    if not sep or len(prefix) != 12 or not secret or len(raw) > 100:
        return None
    return prefix


def _clean_scopes(scopes) -> list[str]:
    valid = set(Scope.values)
    chosen = list(dict.fromkeys(scopes or []))
    unknown = [s for s in chosen if s not in valid]
    if unknown:
        raise ApiKeyError(_("Unknown scope: %(scopes)s.") % {"scopes": ", ".join(unknown)})
    if not chosen:
        raise ApiKeyError(_("Choose at least one scope."))
    return sorted(chosen)


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ApiKeyError(_("Give the key a name."))
    if len(name) > 80:
        raise ApiKeyError(_("The name is at most 80 characters."))
    return name


def _clean_rate(rate_limit_per_minute: int | None) -> int:
    rate = DEFAULT_RATE_LIMIT_PER_MINUTE if rate_limit_per_minute is None else rate_limit_per_minute
    if not isinstance(rate, int) or not 1 <= rate <= MAX_RATE_LIMIT_PER_MINUTE:
        raise ApiKeyError(
            _("The limit is a whole number of requests per minute from 1 to %(max)s.")
            % {"max": MAX_RATE_LIMIT_PER_MINUTE}
        )
    return rate


def _new_key(**fields) -> CreatedKey:
    prefix = secrets.token_hex(6)
    raw = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey.objects.create(prefix=prefix, digest=key_digest(raw), **fields)
    return CreatedKey(api_key=api_key, secret=raw)


def api_key_create(
    *, partner_id: int, name: str, scopes, created_by=None, rate_limit_per_minute: int | None = None
) -> CreatedKey:
    """A new key for the partner; the returned ``secret`` is the only copy of the key."""
    fields = {
        "name": _clean_name(name),
        "scopes": _clean_scopes(scopes),
        "rate_limit_per_minute": _clean_rate(rate_limit_per_minute),
    }
    if not Partner.objects.filter(pk=partner_id, is_active=True).exists():
        raise ApiKeyError(_("This partner is not active."))
    return _new_key(partner_id=partner_id, created_by=created_by, **fields)


def api_key_revoke(*, partner_id: int, key_id: int) -> ApiKey:
    """Refuse the key from now on. Revoking a revoked key changes nothing."""
    with transaction.atomic():
        api_key = ApiKey.objects.select_for_update().filter(partner_id=partner_id, pk=key_id).first()
        if api_key is None:
            raise ApiKeyNotFound(_("No such key."))
        if api_key.revoked_at is None:
            api_key.revoked_at = timezone.now()
            api_key.save(update_fields=["revoked_at"])
    _announce_revocation(api_key.prefix)
    return api_key


def api_key_rotate(*, partner_id: int, key_id: int, created_by=None) -> CreatedKey:
    """A new key with the same name, scopes and limit; the old one keeps working for
    ``ROTATION_GRACE`` (so clients can be redeployed), then is refused."""
    with transaction.atomic():
        old = ApiKey.objects.select_for_update().filter(partner_id=partner_id, pk=key_id).first()
        if old is None:
            raise ApiKeyNotFound(_("No such key."))
        if old.revoked_at is not None:
            raise ApiKeyError(_("A revoked key cannot be rotated: create a new one."))
        if old.expires_at is not None:
            raise ApiKeyError(_("This key has already been rotated: rotate its replacement."))
        old.expires_at = timezone.now() + ROTATION_GRACE
        old.save(update_fields=["expires_at"])
        created = _new_key(
            partner_id=partner_id, name=old.name, scopes=old.scopes,
            rate_limit_per_minute=old.rate_limit_per_minute, created_by=created_by, rotated_from=old,
        )
    _forget(old.prefix)
    return created


# --- the check on every request ---------------------------------------------------------------


@dataclass(frozen=True)
class KeyPrincipal:
    """Who is calling: what a handler needs, and nothing about the partner's people."""

    key_id: int
    partner_id: int
    scopes: frozenset[str]
    rate_limit_per_minute: int


@dataclass(frozen=True)
class KeyCheck:
    principal: KeyPrincipal
    rate: RateDecision  # this request, counted against the key's limit


@dataclass(frozen=True)
class _Cached:
    digest: str
    principal: KeyPrincipal
    generation: str | None  # read before the row (key_generation.py); None never matches
    valid_until: float  # monotonic


# A key's row is trusted while the keys' generation in Redis is the one read before the row was
# (a revocation or a partner made inactive anywhere changes it), and for CACHE_SECONDS at most:
# the backstop for what does not change the generation (a bulk update, a lost announcement).
CACHE_SECONDS = 5.0
_cache: dict[str, _Cached] = {}
_last_touched: dict[int, float] = {}
_lock = threading.Lock()


def _forget(prefix: str) -> None:
    with _lock:
        _cache.pop(prefix, None)


def _announce_revocation(prefix: str) -> None:
    _forget(prefix)
    transaction.on_commit(key_generation_bump)


def api_key_cache_clear() -> None:
    with _lock:
        _cache.clear()
        _last_touched.clear()


def _load(prefix: str, generation: str | None) -> _Cached | None:
    now = timezone.now()
    row = (
        ApiKey.objects.filter(prefix=prefix, revoked_at__isnull=True, partner__is_active=True)
        .values_list("id", "partner_id", "digest", "scopes", "rate_limit_per_minute", "expires_at")
        .first()
    )
    if row is None:
        return None
    key_id, partner_id, digest, scopes, rate, expires_at = row
    if expires_at is not None and expires_at <= now:
        return None
    ttl = CACHE_SECONDS
    if expires_at is not None:
        ttl = min(ttl, (expires_at - now).total_seconds())
    principal = KeyPrincipal(key_id, partner_id, frozenset(scopes), rate)
    return _Cached(digest, principal, generation, valid_until=time.monotonic() + ttl)


def _reload(prefix: str, generation: str | None) -> _Cached | None:
    cached = _load(prefix, generation)
    with _lock:
        if cached is None:
            _cache.pop(prefix, None)
        else:
            _cache[prefix] = cached
    return cached


def _presented(cached: _Cached | None, raw: str) -> bool:
    return cached is not None and hmac.compare_digest(cached.digest, key_digest(raw))


def api_key_check(*, raw: str) -> KeyCheck | None:
    """The principal of a live key of an active partner and this request's rate decision, or None
    (unknown, malformed, revoked, past its rotation grace, or its partner inactive).

    A row cached by this process is checked against the generation that the rate limit's Redis
    call brings back: no query and no round trip more than the rate limit's when nothing was
    revoked. Without a cached row, the generation is read first, then the row."""
    prefix = key_prefix_of(raw)
    if prefix is None:
        return None
    cached = _cache.get(prefix)
    just_read = cached is None or cached.valid_until <= time.monotonic()
    if just_read:
        cached = _reload(prefix, key_generation_read())
    if not _presented(cached, raw):
        return None
    rate = ratelimit_hit(key_id=cached.principal.key_id, limit=cached.principal.rate_limit_per_minute)
    if not just_read and (rate.key_generation is None or rate.key_generation != cached.generation):
        cached = _reload(prefix, rate.key_generation)
        if not _presented(cached, raw):
            return None
    _touch(cached.principal.key_id)
    return KeyCheck(principal=cached.principal, rate=rate)


def _touch(key_id: int) -> None:
    """Record the use at most once a minute per key and process (one UPDATE, not one per call)."""
    moment = time.monotonic()
    if moment - _last_touched.get(key_id, -1e9) < LAST_USED_RESOLUTION_SECONDS:
        return
    _last_touched[key_id] = moment
    ApiKey.objects.filter(pk=key_id).update(last_used_at=timezone.now())
