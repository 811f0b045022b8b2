"""The churn model measured on the real Telco Customer Churn sample (7,043 subscribers).

Issue 7 asks for the model to be "measured on telco-customers.csv with a held-out split: ROC AUC
reported in docs (target >= 0.80) with a calibration table", so these tests read that very file
from the shared data folder (``$TROIKA_SHARED_DATA``, by default ``<repo>/../shared/data``) and
skip without it. They fail if the model, the features or the split are wrong.
"""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.utils import timezone

from club.members.models import Member
from club.members.services.importing import subscriber_import_file
from club.profiles.churn.csv_source import churn_rows_read
from club.profiles.churn.model import churn_fit
from club.profiles.churn.services import churn_scores_refresh
from club.profiles.models import ChurnModel, MemberProfile

from .churn_setup import AS_OF

REPO = Path(__file__).resolve().parents[3]
SHARED_DATA = Path(os.environ.get("TROIKA_SHARED_DATA", REPO.parent / "shared" / "data"))
TELCO = SHARED_DATA / "telco-customers.csv"


@pytest.fixture(scope="module")
def telco_csv() -> Path:
    if not TELCO.is_file():
        pytest.skip(f"the Telco sample is not at {TELCO} (set TROIKA_SHARED_DATA)")
    return TELCO


@pytest.fixture(scope="module")
def evaluation(telco_csv):
    rows = churn_rows_read(telco_csv)
    return rows, churn_fit(rows.inputs, rows.labels)


def test_the_held_out_auc_meets_the_target(evaluation):
    rows, result = evaluation

    assert len(rows.inputs) == 7043 and sum(rows.labels) == 1869
    assert (result.training_rows, result.test_rows) == (5282, 1761)
    assert result.auc >= 0.80
    print(f"telco churn: held-out ROC AUC {result.auc:.4f}, calibration error {result.calibration_error:.4f}")


def test_the_calibration_table_is_sane(evaluation):
    _rows, result = evaluation
    table = result.calibration
    populated = [row for row in table if row.count >= 40]

    assert sum(row.count for row in table) == result.test_rows
    assert all(row.low <= row.mean_predicted < row.high or row.high == 1.0 for row in table if row.count)
    assert result.calibration_error <= 0.05  # predictions within 5 points of outcomes on average
    assert all(abs(row.mean_predicted - row.observed_rate) <= 0.10 for row in populated)
    observed = [row.observed_rate for row in populated]
    assert observed == sorted(observed)  # a higher predicted risk is a higher churn rate
    assert len(populated) >= 8


def test_the_evaluation_command_prints_the_same_figures(telco_csv, evaluation):
    _rows, result = evaluation
    out = io.StringIO()

    call_command("churn_evaluate", "--csv", str(telco_csv), stdout=out)

    text = out.getvalue()
    assert f"held-out ROC AUC: {result.auc:.4f}" in text
    assert "| 0.0-0.1 | " in text and "| 0.9-1.0 | " in text
    assert str(SHARED_DATA) not in text  # the file's name only


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_imported_sample_scored_in_the_product_matches_the_fitted_model(telco_csv, evaluation):
    rows, result = evaluation
    subscriber_import_file(file=telco_csv, file_format="csv", mapping="telco-customers")
    Member.objects.update(consent_profiling=True, status="active", churn_reason="")
    now = timezone.now()
    MemberProfile.objects.bulk_create(
        [MemberProfile(member_id=pk, as_of=AS_OF, refreshed_at=now)
         for pk in Member.objects.values_list("pk", flat=True)], batch_size=2000)
    call_command("churn_fit", "--csv", str(telco_csv), stdout=io.StringIO())

    started = time.perf_counter()
    scored = churn_scores_refresh(on=AS_OF)
    seconds = time.perf_counter() - started

    assert scored == 7043
    model = ChurnModel.objects.get(active=True)
    assert model.auc == pytest.approx(result.auc) and model.source == "telco-customers.csv"
    stored = dict(MemberProfile.objects.values_list("member__account_number", "churn_score"))
    expected = result.sklearn_probabilities(rows.inputs)
    assert np.allclose([stored[account] for account in rows.account_ids], expected, rtol=0, atol=1e-9)
    print(f"telco churn: 7043 members scored in {seconds:.2f} s")
