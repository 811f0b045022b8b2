"""Issue 7, line 5: the add-on recommender against the "most popular" baseline on the real telco
sample (``telco-customers.csv`` in ``$TROIKA_SHARED_DATA``, by default ``<repo>/../shared/data``;
without the file the tests skip). Hide one add-on per held-out customer, recommend 3: the model's
hit rate must beat the baseline's, overall and where more than 3 services are left to choose."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

REPO = Path(__file__).resolve().parents[3]
SHARED_DATA = Path(os.environ.get("TROIKA_SHARED_DATA", REPO.parent / "shared" / "data"))
TELCO = SHARED_DATA / "telco-customers.csv"


@pytest.fixture
def telco_csv() -> Path:
    if not TELCO.is_file():
        pytest.skip(f"the Telco sample is not at {TELCO} (set TROIKA_SHARED_DATA)")
    return TELCO


def _evaluate(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("bundle_addons", "evaluate", str(path), *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("seed", [7, 11])
def test_the_add_on_recommender_beats_the_most_popular_baseline(telco_csv, seed):
    printed = _evaluate(telco_csv, "--seed", str(seed))
    print(printed)
    overall = re.search(r"hit rate@3: model ([\d.]+) \((\d+)/(\d+)\), most popular ([\d.]+)", printed)
    opened = re.search(r"\((\d+) customers\): model ([\d.]+), most popular ([\d.]+)", printed)
    assert overall and opened, printed
    model, hits, tested, baseline = float(overall[1]), int(overall[2]), int(overall[3]), float(overall[4])
    assert tested > 1000  # a quarter of the customers with Internet and an add-on
    assert hits / tested == pytest.approx(model, abs=1e-4)
    assert model > baseline
    assert float(opened[2]) > float(opened[3])


def test_a_file_that_is_not_the_sample_is_refused_with_its_problem(tmp_path):
    bad = tmp_path / "customers.csv"
    bad.write_text("customerID,Contract\nA-1,One year\n")
    with pytest.raises(CommandError, match="missing columns: InternetService, OnlineSecurity"):
        _evaluate(bad)
    with pytest.raises(CommandError, match="No such file"):
        _evaluate(tmp_path / "absent.csv")
