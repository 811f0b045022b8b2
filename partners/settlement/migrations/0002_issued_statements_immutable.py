"""PostgreSQL refuses any change to an issued statement and any write to its lines.

The model layer refuses the same on every database (``models/statement.py``); this trigger
makes it true for raw SQL, other clients and future code too. SQLite has no such trigger.
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION settlement_statement_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.state = 'issued' THEN
        RAISE EXCEPTION 'settlement statement % is issued and cannot be changed', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER settlement_statement_immutable
    BEFORE UPDATE OR DELETE ON settlement_statement
    FOR EACH ROW EXECUTE FUNCTION settlement_statement_immutable();

CREATE FUNCTION settlement_line_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    statement_ids bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        statement_ids := ARRAY[NEW.statement_id];
    ELSIF TG_OP = 'UPDATE' THEN
        statement_ids := ARRAY[OLD.statement_id, NEW.statement_id];
    ELSE
        statement_ids := ARRAY[OLD.statement_id];
    END IF;
    IF EXISTS (SELECT 1 FROM settlement_statement WHERE id = ANY(statement_ids) AND state = 'issued') THEN
        RAISE EXCEPTION 'the lines of an issued settlement statement cannot be changed'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER settlement_line_immutable
    BEFORE INSERT OR UPDATE OR DELETE ON settlement_statementline
    FOR EACH ROW EXECUTE FUNCTION settlement_line_immutable();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS settlement_line_immutable ON settlement_statementline;
DROP FUNCTION IF EXISTS settlement_line_immutable();
DROP TRIGGER IF EXISTS settlement_statement_immutable ON settlement_statement;
DROP FUNCTION IF EXISTS settlement_statement_immutable();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("settlement", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
