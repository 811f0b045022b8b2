"""``manage.py import_subscribers FILE --mapping M [--dry-run] [--all-or-nothing]``."""

from django.core.management.base import BaseCommand, CommandError

from club.members.services.importing import (
    MappingInvalid,
    import_mapping_load,
    import_mapping_names,
    subscriber_import_file,
)
from club.members.services.importing_files import FILE_FORMATS, FileFormatUnknown


class Command(BaseCommand):
    help = (
        "Import subscribers from a CSV or JSONL file through a declared column mapping. "
        "Idempotent: importing the same file again changes nothing. See docs/import.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv or .jsonl file")
        parser.add_argument(
            "--mapping", required=True,
            help=f"a shipped mapping ({', '.join(import_mapping_names())}) or a mapping JSON file",
        )
        parser.add_argument("--format", choices=FILE_FORMATS, default=None,
                            help="the file's format when its name does not say")
        parser.add_argument("--dry-run", action="store_true",
                            help="validate and compare, write nothing")
        parser.add_argument("--all-or-nothing", action="store_true",
                            help="write nothing if any row is bad")

    def handle(self, *args, file, mapping, format, dry_run, all_or_nothing, **options):
        try:
            loaded = import_mapping_load(mapping)
            report = subscriber_import_file(
                file=file, file_format=format, mapping=loaded,
                all_or_nothing=all_or_nothing, dry_run=dry_run,
            )
        except (MappingInvalid, FileFormatUnknown, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        verb = "would create" if not report.written else "created"
        self.stdout.write(
            f"{report.total_rows} rows read with mapping {loaded.name}: {verb} {report.created}, "
            f"updated {report.updated}, unchanged {report.unchanged}; bad rows {report.bad_rows}."
        )
        for error in report.errors:
            self.stdout.write(f"row {error.row}, {error.column or '-'}: {error.message}")
        if report.dry_run:
            self.stdout.write("Dry run: nothing was written.")
            if report.errors:
                raise CommandError(f"Dry run: {report.bad_rows} bad rows.")
        elif not report.written:
            raise CommandError(f"{report.bad_rows} bad rows: nothing was written.")
        elif report.errors:
            raise CommandError(f"{report.bad_rows} bad rows were not written; the other rows were.")
        else:
            self.stdout.write(self.style.SUCCESS("Done."))
