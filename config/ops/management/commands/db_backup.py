"""``manage.py db_backup FILE``: pg_dump -Fc of the database and its manifest (config/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config.backup import MANIFEST_SUFFIX, BackupError, database_backup


class Command(BaseCommand):
    help = "Dump the PostgreSQL database (custom format) with a manifest of row counts and totals."

    def add_arguments(self, parser):
        parser.add_argument("output", help="the dump file to write (must not exist)")

    def handle(self, *args, output: str, **options):
        try:
            manifest = database_backup(output=Path(output))
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest.tables.values())
        self.stdout.write(f"backed up {manifest.database}: {len(manifest.tables)} tables, {rows} rows "
                          f"-> {output} (+ {output}{MANIFEST_SUFFIX})")
        for name, value in manifest.totals.items():
            self.stdout.write(f"  {name} = {value}")
