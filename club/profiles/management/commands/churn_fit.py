"""Fit a churn model and make it the active one: on the operator's own members (churned
against active lines, members who consented to profiling) or on a CSV file with ``--csv``.
Then ``--score`` scores every profiled member with it.

    manage.py churn_fit [--csv FILE] [--seed 7] [--test-share 0.25] [--score]
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from club.profiles.churn.csv_source import ChurnDataInvalid
from club.profiles.churn.fitting import ChurnFitRefused, churn_model_fit_csv, churn_model_fit_members
from club.profiles.churn.model import DEFAULT_SEED, DEFAULT_TEST_SHARE
from club.profiles.churn.services import churn_scores_refresh

from .churn_evaluate import test_share_argument


class Command(BaseCommand):
    help = "Fit a churn model on the members (or a CSV file), store it as the active model."

    def add_arguments(self, parser):
        parser.add_argument("--csv",
                            help="fit on this CSV file (the Telco sample's columns) instead of members")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the split's random seed")
        parser.add_argument("--test-share", type=test_share_argument, default=DEFAULT_TEST_SHARE,
                            help="the held-out share of the rows, 0.05 to 0.5")
        parser.add_argument("--score", action="store_true", help="then score every profiled member")

    def handle(self, *args, **options):
        split = {"seed": options["seed"], "test_share": options["test_share"]}
        try:
            if options["csv"]:
                model = churn_model_fit_csv(path=options["csv"], **split)
            else:
                model = churn_model_fit_members(**split)
        except (ChurnDataInvalid, ChurnFitRefused) as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(
            f"churn model v{model.version} is active: held-out ROC AUC {model.auc:.4f} "
            f"on {model.test_rows} rows "
            f"(trained on {model.training_rows} rows of {model.source})"
        )
        if options["score"]:
            self.stdout.write(f"members scored: {churn_scores_refresh()}")
