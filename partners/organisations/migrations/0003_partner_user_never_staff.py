"""The database refuses a partner user who is staff, on both sides (docs/partners.md).

A check constraint cannot look at another table, so this is two triggers: inserting (or
re-pointing) a ``PartnerUser`` whose login is staff or superuser fails, and making a partner
user's login staff or superuser fails. On PostgreSQL the first locks the login's row
(``FOR SHARE``), so a concurrent "make staff" and "make partner user" cannot both commit.
"""

from django.db import migrations

PARTNER_USER = "partner_organisations_partneruser"
USER = "accounts_user"

POSTGRES_FORWARD = f"""
CREATE OR REPLACE FUNCTION partner_user_not_staff() RETURNS trigger AS $$
DECLARE privileged boolean;
BEGIN
  SELECT (is_staff OR is_superuser) INTO privileged FROM {USER} WHERE id = NEW.user_id FOR SHARE;
  IF privileged THEN
    RAISE EXCEPTION 'a partner user cannot be staff' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END; $$ LANGUAGE plpgsql;
--
CREATE TRIGGER partner_user_not_staff BEFORE INSERT OR UPDATE OF user_id ON {PARTNER_USER}
  FOR EACH ROW EXECUTE FUNCTION partner_user_not_staff();
--

CREATE OR REPLACE FUNCTION staff_not_partner_user() RETURNS trigger AS $$
BEGIN
  IF (NEW.is_staff OR NEW.is_superuser)
     AND EXISTS (SELECT 1 FROM {PARTNER_USER} WHERE user_id = NEW.id) THEN
    RAISE EXCEPTION 'a partner user cannot be staff' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END; $$ LANGUAGE plpgsql;
--
CREATE TRIGGER staff_not_partner_user BEFORE UPDATE OF is_staff, is_superuser ON {USER}
  FOR EACH ROW EXECUTE FUNCTION staff_not_partner_user();
"""
POSTGRES_BACKWARD = f"""
DROP TRIGGER IF EXISTS staff_not_partner_user ON {USER};
--
DROP FUNCTION IF EXISTS staff_not_partner_user();
--
DROP TRIGGER IF EXISTS partner_user_not_staff ON {PARTNER_USER};
--
DROP FUNCTION IF EXISTS partner_user_not_staff();
"""

_SQLITE_PRIVILEGED = f"EXISTS (SELECT 1 FROM {USER} WHERE id = NEW.user_id AND (is_staff OR is_superuser))"
SQLITE_FORWARD = [
    f"""CREATE TRIGGER partner_user_not_staff_insert BEFORE INSERT ON {PARTNER_USER}
    WHEN {_SQLITE_PRIVILEGED}
    BEGIN SELECT RAISE(ABORT, 'a partner user cannot be staff'); END""",
    f"""CREATE TRIGGER partner_user_not_staff_update BEFORE UPDATE OF user_id ON {PARTNER_USER}
    WHEN {_SQLITE_PRIVILEGED}
    BEGIN SELECT RAISE(ABORT, 'a partner user cannot be staff'); END""",
    f"""CREATE TRIGGER staff_not_partner_user BEFORE UPDATE OF is_staff, is_superuser ON {USER}
    WHEN (NEW.is_staff OR NEW.is_superuser)
      AND EXISTS (SELECT 1 FROM {PARTNER_USER} WHERE user_id = NEW.id)
    BEGIN SELECT RAISE(ABORT, 'a partner user cannot be staff'); END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS partner_user_not_staff_insert",
    "DROP TRIGGER IF EXISTS partner_user_not_staff_update",
    "DROP TRIGGER IF EXISTS staff_not_partner_user",
]


def _run(schema_editor, postgres: str, sqlite: list[str]) -> None:
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": postgres.split("\n--\n"), "sqlite": sqlite}.get(vendor, [])
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:  # one by one, without parameters ($$ and % stay as written)
            if statement.strip():
                cursor.execute(statement)


def forward(apps, schema_editor):
    _run(schema_editor, POSTGRES_FORWARD, SQLITE_FORWARD)


def backward(apps, schema_editor):
    _run(schema_editor, POSTGRES_BACKWARD, SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("partner_organisations", "0002_invitations"),
        ("accounts", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
