"""``manage.py ingest_events FILE [--format csv|jsonl]``: billing events from a file."""

from django.core.management.base import BaseCommand, CommandError

from rewards.billing.services import (
    FILE_FORMATS,
    FileFormatUnknown,
    Outcome,
    billing_events_ingest_file,
)

SHOWN_QUARANTINED = 200


class Command(BaseCommand):
    help = (
        "Apply the operator's billing events from a CSV or JSONL file, in batches of 10,000 "
        "(one transaction each). Sending a file again applies nothing twice. See docs/ingestion.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv (header row of event fields) or .jsonl file")
        parser.add_argument("--format", choices=FILE_FORMATS, default=None,
                            help="the file's format when its name does not say")

    def handle(self, *args, file, format, **options):
        try:
            report = billing_events_ingest_file(file=file, file_format=format)
        except (FileFormatUnknown, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        counts = report.counts
        self.stdout.write(
            f"{report.total} events read from {report.file_name} in {report.batches} batches: "
            f"applied {counts[Outcome.APPLIED]}, duplicate {counts[Outcome.DUPLICATE]}, "
            f"waiting reversals {counts[Outcome.WAITING]}, quarantined {counts[Outcome.QUARANTINED]}; "
            f"{report.points_granted} points entries, {report.reversals_applied} reversals applied."
        )
        for outcome in report.quarantined[:SHOWN_QUARANTINED]:
            self.stdout.write(f"record {outcome.position} ({outcome.event_id or 'no id'}): "
                              f"{outcome.reason}: {'; '.join(outcome.messages)}")
        hidden = len(report.quarantined) - SHOWN_QUARANTINED
        if hidden > 0:
            self.stdout.write(f"... and {hidden} more quarantined (see the admin's quarantine).")
        if report.quarantined:  # a non-zero exit status, like import_subscribers with bad rows
            raise CommandError(f"{len(report.quarantined)} events quarantined; the others were applied.")
        self.stdout.write(self.style.SUCCESS("Done."))
