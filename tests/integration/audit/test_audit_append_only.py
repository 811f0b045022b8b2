"""The audit log is append-only: the model layer refuses every change on every database, and
on PostgreSQL a trigger refuses raw SQL too. An actor's label outlives the actor's account."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from club.audit.models import AppendOnly, AuditEntry
from club.audit.services import personal_data_viewed
from tests.factories import MemberFactory
from tests.integration.members.factories_admin import staff_with_mfa

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry():
    member = MemberFactory()
    personal_data_viewed(member=member, user=staff_with_mfa(email="dave@operator.test"), screen="x")
    return personal_data_viewed(member=member, user=staff_with_mfa(email="erin@operator.test"), screen="y")


def rows() -> list[dict]:
    return list(AuditEntry.objects.order_by("pk").values())


def test_the_model_layer_refuses_every_change(entry):
    before = rows()
    attempts = {
        "save": lambda: (setattr(entry, "actor_label", "someone else"), entry.save()),
        "delete": entry.delete,
        "queryset update": lambda: AuditEntry.objects.filter(pk=entry.pk).update(label="forged"),
        "queryset delete": lambda: AuditEntry.objects.filter(pk=entry.pk).delete(),
        "delete all": lambda: AuditEntry.objects.all().delete(),
        "update all": lambda: AuditEntry.objects.update(changes={}),
    }
    refused = 0
    for name, attempt in attempts.items():
        with pytest.raises(AppendOnly), transaction.atomic():
            attempt()
        refused += 1
        assert rows() == before, name
    print(f"audit append-only (model layer, {connection.vendor}): {refused}/{len(attempts)} refused, "
          f"0 changes")


@pytest.mark.postgres
def test_the_database_refuses_raw_sql_updates_and_deletes(entry):
    before = rows()
    statements = [
        ("UPDATE audit_auditentry SET actor_label = 'someone else' WHERE id = %s", [entry.pk]),
        ("UPDATE audit_auditentry SET changes = '{}'::jsonb WHERE id = %s", [entry.pk]),
        ("UPDATE audit_auditentry SET timestamp = now() - interval '1 year' WHERE id = %s", [entry.pk]),
        ("UPDATE audit_auditentry SET user_id = NULL", []),
        ("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk]),
        ("DELETE FROM audit_auditentry", []),
    ]
    refused = 0
    for sql, params in statements:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
        refused += 1
    assert rows() == before
    print(f"audit append-only (PostgreSQL trigger): {refused}/{len(statements)} raw statements refused, "
          "0 changes")


@pytest.mark.postgres
def test_the_database_still_takes_new_entries(entry):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditentry (label, action, data, timestamp, content_changed, deleted, "
            "object_id, actor_label, changes, request_id) "
            "VALUES ('x', 'wagtail.edit', '{}', now(), false, false, '1', 'system', '{}', '')"
        )
    assert AuditEntry.objects.count() == 3


def test_the_actor_label_outlives_the_deleted_user(entry):
    user_id = entry.user_id

    entry.user.delete()

    kept = AuditEntry.objects.get(pk=entry.pk)
    assert kept.user_id == user_id and kept.actor_label == f"erin@operator.test (#{user_id})"
