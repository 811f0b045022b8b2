"""``manage.py db_restore FILE --target NEWDB``: restore a dump into a new database and check it
against the dump's manifest (config/backup.py); exits non-zero on any difference."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config.backup import BackupError, database_restore


class Command(BaseCommand):
    help = "Restore a db_backup dump into a NEW database and compare it with the dump's manifest."

    def add_arguments(self, parser):
        parser.add_argument("dump", help="a file written by db_backup")
        parser.add_argument("--target", required=True, help="the database to create and restore into")
        parser.add_argument("--jobs", type=int, default=2, help="parallel pg_restore jobs")

    def handle(self, *args, dump: str, target: str, jobs: int, **options):
        try:
            restored = database_restore(dump=Path(dump), target=target, jobs=jobs)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(restored.tables.values())
        self.stdout.write(f"restored {dump} into {target}: {len(restored.tables)} tables, {rows} rows")
        for name, value in restored.totals.items():
            self.stdout.write(f"  {name} = {value}")
        if restored.differences:
            raise CommandError("the restore differs from the backup:\n" + "\n".join(restored.differences))
        self.stdout.write("every table count and total matches the backup's manifest")
