"""Refresh member profiles now, through the whole pipeline (profile, segments, churn score):

    manage.py profiles_refresh [--members 12,15,40] [--chunk-size 10000] [--on 2026-10-15]

Without ``--members``: every member, in keyset chunks (what the nightly beat entry runs).
"""

from __future__ import annotations

import argparse
import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from club.members.models import Member
from club.profiles.services import (
    DEFAULT_CHUNK_SIZE,
    MAX_CHUNK_SIZE,
    profiles_pipeline_run,
    profiles_refresh_all,
)


def member_ids_argument(text: str) -> list[int]:
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts or not all(part.isdigit() and int(part) > 0 for part in parts):
        raise argparse.ArgumentTypeError(
            f"a comma-separated list of member ids (e.g. 12,15,40), not {text!r}")
    return [int(part) for part in parts]


def chunk_size_argument(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_CHUNK_SIZE:
        raise argparse.ArgumentTypeError(f"a whole number from 1 to {MAX_CHUNK_SIZE}, not {text!r}")
    return int(text)


def day_argument(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a day as YYYY-MM-DD, not {text!r}") from None


class Command(BaseCommand):
    help = "Refresh member profiles (and the later pipeline steps) now; see docs/profiles.md."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=member_ids_argument,
                            help="only these member ids, comma-separated (default: every member)")
        parser.add_argument("--chunk-size", type=chunk_size_argument, default=DEFAULT_CHUNK_SIZE,
                            help=f"members per statement and transaction (default {DEFAULT_CHUNK_SIZE})")
        parser.add_argument("--on", type=day_argument, default=None,
                            help="the profiles' last day (default: today in the operator's time zone)")

    def handle(self, *args, members, chunk_size, on, **options):
        if members is None:
            run = profiles_refresh_all(chunk_size=chunk_size, on=on)
        else:
            missing = set(members) - set(Member.objects.filter(pk__in=members).values_list("pk", flat=True))
            if missing:
                named = ", ".join(map(str, sorted(missing)))
                raise CommandError(f"no member with id {named}; nothing refreshed")
            run = profiles_pipeline_run(member_ids=members, chunk_size=chunk_size, on=on)
        self.stdout.write(f"profiles refreshed as of {run.on.isoformat()}: {run.members} members "
                          f"in {run.chunks} chunks")
