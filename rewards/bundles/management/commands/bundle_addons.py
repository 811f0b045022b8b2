"""The add-on recommender from the command line.

``manage.py bundle_addons evaluate PATH [--seed N] [--test-share F]``: hit rate at 3 on the
telco sample (PATH, a CSV), against the "most popular" baseline, on a held-out split.
``manage.py bundle_addons refresh``: count the members' add-ons for the live recommender.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rewards.bundles.addons import AddonDataError, addon_hit_rate_evaluate, addon_profiles_from_csv
from rewards.bundles.services import bundle_addon_stats_refresh


class Command(BaseCommand):
    help = "Evaluate the add-on recommender on the telco sample, or refresh its counts from the members."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        evaluate = commands.add_parser("evaluate", help="hit rate at 3 vs the most-popular baseline")
        evaluate.add_argument("path", help="the telco customers CSV")
        evaluate.add_argument("--seed", type=int, default=7)
        evaluate.add_argument("--test-share", type=float, default=0.25)
        commands.add_parser("refresh", help="count the members' add-ons (the live recommender's data)")

    def handle(self, *args, action: str, **options):
        if action == "refresh":
            result = bundle_addon_stats_refresh()
            self.stdout.write(f"add-on statistics {result.stats_id}: {result.customers} members counted")
            return
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if not 0 < options["test_share"] < 1:
            raise CommandError("--test-share must be between 0 and 1 (e.g. 0.25).")
        try:
            with path.open(newline="", encoding="utf-8") as lines:
                profiles = addon_profiles_from_csv(lines)
        except (AddonDataError, UnicodeDecodeError) as problem:
            raise CommandError(f"{path.name}: {problem}") from problem
        result = addon_hit_rate_evaluate(profiles, seed=options["seed"], test_share=options["test_share"])
        self.stdout.write(
            f"customers {len(profiles)}, fitted on {result.train_customers} training customers with "
            f"Internet, tested on {result.test_customers} held-out customers with an add-on "
            f"(seed {result.seed})"
        )
        self.stdout.write(
            f"hit rate@{result.limit}: model {result.hit_rate:.4f} ({result.hits}/{result.test_customers}), "
            f"most popular {result.baseline_hit_rate:.4f} ({result.baseline_hits}/{result.test_customers})"
        )
        self.stdout.write(
            f"with more than {result.limit} to choose from ({result.open_customers} customers): model "
            f"{result.open_hit_rate:.4f}, most popular {result.open_baseline_hit_rate:.4f}"
        )
