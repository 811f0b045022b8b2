"""Backup and restore of the PostgreSQL database: ``pg_dump -Fc``, ``pg_restore`` into a new
database, and a manifest that proves the restore complete.

``database_backup`` opens one ``REPEATABLE READ`` transaction, exports its snapshot, runs
``pg_dump --snapshot`` on it and, in that same transaction, counts every table's rows and
computes the registered totals (the ledger's points, say). The dump and the manifest therefore
describe the same instant, however busy the database is. ``database_restore`` creates a new
database (never overwrites one), restores into it, runs ``ANALYZE``, and compares its counts
and totals with the manifest: any difference fails the restore.

Connection settings come from ``settings.DATABASES["default"]`` and reach the PostgreSQL tools
through ``PG*`` environment variables, so no password appears in a process list.
The steps of a real backup and restore are in docs/runbook.md.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from django.conf import settings
from psycopg import sql

MANIFEST_SUFFIX = ".manifest.json"
_DATABASE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")

# name -> SQL giving one value, registered by the apps that own the tables (``ready()``).
_totals: dict[str, str] = {}


class BackupError(RuntimeError):
    pass


def backup_total_register(*, name: str, query: str) -> None:
    """A figure the restore must reproduce exactly, e.g. the sum of the ledger's points."""
    _totals[name] = query


@dataclass
class Manifest:
    database: str
    tables: dict[str, int]
    totals: dict[str, str]
    differences: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps({"database": self.database, "tables": self.tables, "totals": self.totals},
                          indent=1, sort_keys=True)

    @classmethod
    def from_file(cls, path: Path) -> Manifest:
        data = json.loads(path.read_text())
        return cls(database=data["database"], tables=data["tables"], totals=data["totals"])


def _params(database: str | None = None) -> dict[str, str]:
    conf = settings.DATABASES["default"]
    if conf["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError("backup and restore are for PostgreSQL (DATABASE_URL=postgres://...)")
    params = {"dbname": database or conf["NAME"], "user": conf.get("USER") or "",
              "password": conf.get("PASSWORD") or "", "host": conf.get("HOST") or "",
              "port": str(conf.get("PORT") or "")}
    return {k: v for k, v in params.items() if v}


def _tool_env(database: str | None = None) -> dict[str, str]:
    names = {"dbname": "PGDATABASE", "user": "PGUSER", "password": "PGPASSWORD", "host": "PGHOST",
             "port": "PGPORT"}
    return {**os.environ, **{names[k]: v for k, v in _params(database).items()}}


def _run(command: list[str], database: str | None = None) -> None:
    result = subprocess.run(command, env=_tool_env(database), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")


def _measure(connection: psycopg.Connection) -> tuple[dict[str, int], dict[str, str]]:
    tables = [row[0] for row in connection.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    )]
    counts = {}
    for table in tables:
        counts[table] = connection.execute(
            sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
        ).fetchone()[0]
    totals = {name: str(connection.execute(query).fetchone()[0]) for name, query in sorted(_totals.items())}
    return counts, totals


def database_backup(*, output: Path) -> Manifest:
    """Dump the database to ``output`` (custom format) and write ``<output>.manifest.json``."""
    output = Path(output)
    if output.exists():
        raise BackupError(f"{output} exists: a backup never overwrites a file")
    params = _params()
    with psycopg.connect(**params, autocommit=False) as connection:
        connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
              f"--file={output}"])
        tables, totals = _measure(connection)
        connection.rollback()
    manifest = Manifest(database=params["dbname"], tables=tables, totals=totals)
    Path(f"{output}{MANIFEST_SUFFIX}").write_text(manifest.to_json())
    return manifest


def database_restore(*, dump: Path, target: str, jobs: int = 2) -> Manifest:
    """Create database ``target``, restore ``dump`` into it and check it against the dump's
    manifest (when there is one). Returns the restored database's figures, with
    ``differences`` listing every table count or total that does not match."""
    dump = Path(dump)
    if not dump.is_file():
        raise BackupError(f"no such dump: {dump}")
    if not _DATABASE_NAME.fullmatch(target):
        raise BackupError(f"{target!r} is not a plain database name")
    with psycopg.connect(**_params("postgres"), autocommit=True) as admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target]).fetchone():
            raise BackupError(f"database {target} exists: restore into a new database")
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target)))
    _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", f"--jobs={jobs}",
          f"--dbname={target}", str(dump)], database=target)
    with psycopg.connect(**_params(target), autocommit=True) as connection:
        connection.execute("ANALYZE")
        tables, totals = _measure(connection)
    restored = Manifest(database=target, tables=tables, totals=totals)
    manifest_path = Path(f"{dump}{MANIFEST_SUFFIX}")
    if manifest_path.is_file():
        expected = Manifest.from_file(manifest_path)
        restored.differences = manifest_differences(expected=expected, restored=restored)
    return restored


def manifest_differences(*, expected: Manifest, restored: Manifest) -> list[str]:
    differences = []
    for table in sorted(set(expected.tables) | set(restored.tables)):
        want, got = expected.tables.get(table), restored.tables.get(table)
        if want != got:
            differences.append(f"table {table}: {want} rows in the backup, {got} restored")
    for name in sorted(set(expected.totals) | set(restored.totals)):
        want, got = expected.totals.get(name), restored.totals.get(name)
        if want != got:
            differences.append(f"total {name}: {want} in the backup, {got} restored")
    return differences
