"""R15, privacy: every model that holds personal data is declared (``personal_data.py`` of its
app, or exempt with a reason); the export covers every declared table; after an erasure through
the portal nothing identifying the member is left in any text column of PostgreSQL, in the
Django cache or anywhere in Redis, while the ledger and the reports are unchanged.

The enumeration runs everywhere; the export-and-erasure test needs PostgreSQL (it reads
information_schema) and Redis (it scans every key of the test's Redis database)."""

from __future__ import annotations

import datetime as dt
import functools
import json
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection, models
from django.db.models import Sum
from django.test import Client

from campaigns.reports.selectors import campaign_results
from club.members.models import Member, MemberErasure
from club.members.privacy_registry import Erasure, Registry, holding_rows, personal_data_registry
from club.members.services.privacy import erased_msisdn, erased_pseudonym
from club.profiles.segments.report import segment_distribution
from cms.privacy_export import member_data_export
from partners.settlement.selectors import month_activity
from rewards.ledger.models import LedgerEntry, PointsAccount
from tests.factories import DEFAULT_PASSWORD

from .privacy_member import ME, member_with_everything

EXPORT, DELETE = "/portal/privacy/export/", "/portal/privacy/delete/"
# Column names that say "this is about a person" (``name`` alone is a thing's name: a tier's,
# a reward's, so only a person's name counts).
PERSONAL_COLUMN = re.compile(
    r"email|phone|msisdn|(first|last|full|display|middle|given|family|sur|user|author)_?name|address"
    r"|birth|(^|_)ip(_|$)|user_agent|city|account_number|passport|national_id|customer_id",
    re.IGNORECASE,
)


@functools.cache
def _reaches_a_person(model: type[models.Model]) -> bool:
    """A chain of foreign keys (or one-to-ones) from ``model`` leads to a member or a login."""
    targets = {Member, get_user_model()}
    seen: set[type[models.Model]] = set()
    todo = [model]
    while todo:
        current = todo.pop()
        if current in targets:
            return True
        if current in seen:
            continue
        seen.add(current)
        todo.extend(f.related_model for f in current._meta.concrete_fields
                    if f.is_relation and f.related_model)
    return False


def why_personal(model: type[models.Model]) -> str:
    """Why the enumeration counts ``model`` as holding personal data ("" if it does not)."""
    if _reaches_a_person(model):
        return "a foreign-key path to a member or a login"
    columns = [f.name for f in model._meta.concrete_fields if PERSONAL_COLUMN.search(f.name)]
    return f"columns {', '.join(columns)}" if columns else ""


def undeclared_models(registry: Registry) -> list[str]:
    """Every model Django knows (ours and third-party, M2M tables included) that looks personal
    and is declared neither as a holding nor as exempt, with the reason it looks personal."""
    declared = {item.model for item in (*registry.holdings, *registry.exempt)}
    return [
        f"{model._meta.label} ({why})"
        for model in apps.get_models(include_auto_created=True)
        if model not in declared and (why := why_personal(model))
    ]


def test_r15_every_model_with_personal_data_is_declared_or_exempt():
    registry = personal_data_registry()

    assert undeclared_models(registry) == [], (
        "declare these in their app's personal_data.py (PERSONAL_DATA or NOT_PERSONAL with a reason)")
    assert all(item.reason for item in registry.exempt)
    assert len({h.key for h in registry.holdings}) == len(registry.holdings)  # one export key each


@pytest.mark.parametrize("label", ["events.Rsvp", "account.EmailAddress",
                                   "partner_organisations.PartnerUser"])
def test_r15_the_enumeration_names_a_model_the_registry_leaves_out(label):
    registry = personal_data_registry()
    dropped = Registry(holdings=tuple(h for h in registry.holdings if h.model._meta.label != label),
                       exempt=tuple(e for e in registry.exempt if e.model._meta.label != label))

    missing = undeclared_models(dropped)

    assert [m.split(" ")[0] for m in missing] == [label]


def test_r15_a_new_model_with_a_personal_column_is_named_until_declared():
    class Unregistered(models.Model):  # noqa: DJ008
        contact_email = models.EmailField()

        class Meta:
            app_label = "members"
            managed = False

    try:
        assert undeclared_models(personal_data_registry()) == ["members.Unregistered (columns contact_email)"]
    finally:
        del apps.all_models["members"]["unregistered"]
        apps.clear_cache()


# --- export and erasure against the real PostgreSQL and Redis --------------------------------

def _exported_ids(export: dict, holding) -> set:
    pk = holding.model._meta.pk.attname
    rows = export[holding.key]
    if holding.is_one_row:
        return {rows[pk]} if rows else set()
    return {row[pk] for row in rows}


def _figures(member_id: int, context: dict) -> dict:
    entries = LedgerEntry.objects.filter(member_id=member_id)
    account = PointsAccount.objects.get(member_id=member_id)
    return {
        "member_ledger": (entries.aggregate(total=Sum("points"))["total"], entries.count(),
                          account.available, account.pending),
        "all_ledger": LedgerEntry.objects.aggregate(total=Sum("points"))["total"],
        "campaign": campaign_results(campaign=context["campaign"]),
        "segments": segment_distribution(),
        "settlement": month_activity(partner_id=context["partner"].pk, period=dt.date.today().replace(day=1)),
    }


def postgres_hits(tokens: dict[str, str]) -> list[tuple[str, str, str]]:
    """(table, column, token name) for every text-like column of every table of the schema
    holding a token, and every session whose decoded data holds one."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND data_type IN "
            "('text', 'character varying', 'character', 'json', 'jsonb') ORDER BY table_name, column_name")
        columns = cursor.fetchall()
        patterns = [f"%{value}%" for value in tokens.values()]
        hits = []
        for table, column in columns:
            cursor.execute(
                f'SELECT DISTINCT "{column}"::text FROM "{table}" WHERE "{column}"::text ILIKE ANY(%s)',
                [patterns])
            hits += [(table, column, name) for (text,) in cursor.fetchall()
                     for name, value in tokens.items() if value.lower() in text.lower()]
    for session in Session.objects.all():
        decoded = json.dumps(session.get_decoded(), default=str)
        hits += [("django_session", "session_data (decoded)", name) for name, value in tokens.items()
                 if value in decoded]
    return hits


def _payload_hits(registry, value: str) -> list[str]:
    """The declared payload columns that still quote ``value`` (the Stripe customer id, which the
    membership itself keeps by declaration)."""
    return [f"{p.model._meta.label}.{p.field}" for p in registry.payloads
            if p.model._default_manager.filter(**{f"{p.field}__icontains": value}).exists()]


def _redis_value(client, key: bytes) -> bytes:
    kind = client.type(key).decode()
    if kind == "string":
        return client.get(key) or b""
    if kind == "hash":
        return b" ".join(k + b"=" + v for k, v in client.hgetall(key).items())
    if kind == "list":
        return b" ".join(client.lrange(key, 0, -1))
    if kind == "set":
        return b" ".join(client.smembers(key))
    if kind == "zset":
        return b" ".join(client.zrange(key, 0, -1))
    return b""


def redis_hits(client, tokens: dict[str, str]) -> tuple[list, list]:
    """(key, token name) in the Django cache's keys (this test's prefix) and in every other key
    of the Redis database, searching each key's name and its value's bytes."""
    prefix = settings.CACHES["default"]["KEY_PREFIX"].encode()
    in_cache, elsewhere = [], []
    for key in client.scan_iter(count=1000):
        blob = key + b" " + _redis_value(client, key)
        for name, value in tokens.items():
            if value.encode() in blob or value.lower().encode() in blob.lower():
                found = (key.decode(errors="replace"), name)
                (in_cache if key.startswith(prefix) else elsewhere).append(found)
    return in_cache, elsewhere


def _the_redis_scan_sees_a_planted_token(client, tokens: dict[str, str]) -> None:
    """The scan reads what Django's cache writes (pickled) and what others write raw."""
    cache.set("r15-probe", {"about": f"{ME.first_name} {ME.last_name}"})
    client.set(f"{client.troika_prefix}probe", ME.email)
    try:
        in_cache, elsewhere = redis_hits(client, tokens)
        assert sorted(name for _key, name in in_cache) == ["first_name", "last_name"]
        assert [name for _key, name in elsewhere] == ["email"]
    finally:
        cache.delete("r15-probe")
        client.delete(f"{client.troika_prefix}probe")


def _member_visits_the_portal(client: Client, member: Member) -> dict:
    """A failed login, then the member's pages (filling the cache and the session), then the export."""
    client.post("/accounts/login/", {"login": ME.email, "password": "not-my-password"})
    client.force_login(member.user)
    for page in ("/portal/", "/portal/rewards/", "/portal/preferences/", "/portal/statement/"):
        client.get(page)
    response = client.get(EXPORT)
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_r15_export_covers_every_declared_table_and_erasure_leaves_nothing(redis_client):
    tokens = ME.tokens()
    stale = [key for key, _name in sum(redis_hits(redis_client, tokens), [])]
    if stale:  # an earlier interrupted run of this test
        redis_client.delete(*stale)
    member, context = member_with_everything()
    user_id = member.user_id
    registry = personal_data_registry()
    client = Client(REMOTE_ADDR=ME.ip)

    export = _member_visits_the_portal(client, member)

    empty, wrong = [], []
    for holding in registry.holdings:
        in_db = set(holding_rows(holding, member_id=member.pk, user_id=user_id)
                    .values_list(holding.model._meta.pk.attname, flat=True))
        if not in_db:
            empty.append(holding.key)
        if _exported_ids(export, holding) != in_db:
            wrong.append(holding.key)
    # the erasure's own record, and the cancellation at Stripe it asks for, come with the erasure
    assert (empty, wrong) == (["erasure", "stripe_cancellations"], [])
    rows_exported = sum(len(_exported_ids(export, h)) for h in registry.holdings)
    assert postgres_hits(tokens), "the scan must see the member before the erasure"
    assert _payload_hits(registry, ME.stripe_customer), "the payloads quote the Stripe customer"
    _the_redis_scan_sees_a_planted_token(redis_client, tokens)
    before = _figures(member.pk, context)

    response = client.post(DELETE, {"password": DEFAULT_PASSWORD, "understood": "on"})

    assert response.status_code in (200, 302) and MemberErasure.objects.filter(member=member).exists()
    assert [row["member_id"] for row in member_data_export(member_id=member.pk)["erasure"]] == [member.pk]
    db, (in_cache, in_redis) = postgres_hits(tokens), redis_hits(redis_client, tokens)
    payload_hits = _payload_hits(registry, ME.stripe_customer)
    after = _figures(member.pk, context)
    for holding in registry.holdings:
        rows = holding_rows(holding, member_id=member.pk, user_id=user_id)
        if holding.erasure is Erasure.DELETE:
            assert not rows.exists(), holding.key
        if holding.erasure is Erasure.BLANK:
            for row in rows.values(*holding.fields):
                assert all(v in ("", None, {}, [], erased_msisdn(member.pk), erased_pseudonym(member.pk))
                           for v in row.values()), (holding.key, row)
    print(f"R15 privacy: models covered={len(registry.holdings)} exempt={len(registry.exempt)} "
          f"rows exported={rows_exported} identifiers found after erasure db/cache/redis="
          f"{len(db)}/{len(in_cache)}/{len(in_redis)} ledger total before={before['all_ledger']} "
          f"after={after['all_ledger']} reports equal={before == after}")
    assert (db, in_cache, in_redis, payload_hits) == ([], [], [], [])
    assert after == before
