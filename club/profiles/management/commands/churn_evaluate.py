"""Measure the churn model on a CSV file of the Telco sample's shape: fit on a stratified
split with a fixed seed, print the held-out ROC AUC and the calibration table. Stores nothing.

    manage.py churn_evaluate --csv ../shared/data/telco-customers.csv [--seed 7] [--test-share 0.25]
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from club.profiles.churn.csv_source import ChurnDataInvalid, churn_rows_read
from club.profiles.churn.evaluation import evaluation_markdown
from club.profiles.churn.model import DEFAULT_SEED, DEFAULT_TEST_SHARE, TooFewRows, churn_fit


def test_share_argument(text: str) -> float:
    value = float(text)
    if not 0.05 <= value <= 0.5:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = "Fit the churn model on a CSV file's training split and report its held-out AUC and calibration."

    def add_arguments(self, parser):
        parser.add_argument("--csv", required=True, help="a CSV file with the Telco sample's columns")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the split's random seed")
        parser.add_argument("--test-share", type=test_share_argument, default=DEFAULT_TEST_SHARE,
                            help="the held-out share of the rows, 0.05 to 0.5")

    def handle(self, *args, **options):
        try:
            rows = churn_rows_read(options["csv"])
            result = churn_fit(rows.inputs, rows.labels, seed=options["seed"],
                               test_share=options["test_share"])
        except (ChurnDataInvalid, TooFewRows) as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(evaluation_markdown(result, source=options["csv"]))
