"""``churn_fit`` and ``churn_evaluate``: fitting on the operator's own members (and refusing
when there are too few), fitting on a file, versions and the one active model, bad files."""

from __future__ import annotations

import csv
import io
import random

import pytest
from django.core.management import CommandError, call_command

from club.members.models import Member
from club.profiles.models import ChurnModel, MemberProfile
from tests.unit.profiles.churn_rows import telco_like_rows

from .churn_setup import import_rows, profile_for

pytestmark = pytest.mark.django_db


def _write(path, rows):
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_fitting_on_members_learns_from_their_profiles_and_scores_them():
    rng = random.Random(4)
    members = import_rows(telco_like_rows(400, seed=21), current=False)  # churned lines stay churned
    for member in members.values():
        left = member.status == "churned"
        profile_for(member, complaints_90d=rng.choice([1, 2, 3] if left else [0, 0, 0, 1]),
                    data_mb_3m=rng.randint(0, 500) if left else rng.randint(400, 900), data_mb_prev_3m=600)

    out = _run("churn_fit", "--score")

    model = ChurnModel.objects.get(active=True)
    weights = dict(zip(model.features["numeric"], model.coefficients, strict=False))
    assert model.source == "members" and model.version == 1
    assert weights["complaints_90d"] > 0 and weights["data_trend"] < 0  # complaints and falling use: risk
    assert model.training_rows + model.test_rows == 400 and model.auc > 0.8
    active = Member.objects.filter(status="active").count()
    assert f"members scored: {active}" in out
    assert MemberProfile.objects.filter(churn_score__isnull=False).count() == active


def test_too_few_churned_members_are_refused_with_the_counts():
    import_rows(telco_like_rows(30, seed=2), current=False)
    churned = Member.objects.filter(status="churned").count()

    with pytest.raises(CommandError, match=f"too few members to fit a model: {churned} churned and "
                                           f"{30 - churned} active"):
        _run("churn_fit")
    assert not ChurnModel.objects.exists()


def test_members_without_consent_are_not_trained_on():
    import_rows(telco_like_rows(300, seed=3), consent=False, current=False)

    with pytest.raises(CommandError, match="0 churned and 0 active"):
        _run("churn_fit")


def test_a_refit_on_a_file_is_the_next_version_and_the_only_active_one(tmp_path):
    path = _write(tmp_path / "sample.csv", telco_like_rows(300, seed=9))

    first = _run("churn_fit", "--csv", str(path))
    second = _run("churn_fit", "--csv", str(path), "--seed", "8")

    assert "churn model v1 is active" in first and "churn model v2 is active" in second
    assert list(ChurnModel.objects.values_list("version", "active", "source", "seed")) == [
        (2, True, "sample.csv", 8), (1, False, "sample.csv", 7)]
    assert str(tmp_path) not in ChurnModel.objects.get(version=2).source


def test_a_file_with_bad_rows_names_each_and_stores_nothing(tmp_path):
    rows = telco_like_rows(60, seed=1)
    rows[3]["tenure"] = "twelve"
    rows[40]["Churn"] = "Maybe"
    path = _write(tmp_path / "bad.csv", rows)

    for command in ("churn_evaluate", "churn_fit"):
        with pytest.raises(CommandError) as refused:
            _run(command, "--csv", str(path))
        assert "2 bad rows in bad.csv" in str(refused.value)
        assert "row 5, tenure: 'twelve' is not a whole number of months" in str(refused.value)
        assert "row 42, Churn: 'Maybe' is not Yes or No" in str(refused.value)
    assert not ChurnModel.objects.exists()


def test_a_file_without_the_samples_columns_is_refused(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("id,tenure\n1,3\n")

    with pytest.raises(CommandError, match="other.csv lacks the columns customerID, Contract"):
        _run("churn_evaluate", "--csv", str(path))
    with pytest.raises(CommandError, match="no file at"):
        _run("churn_evaluate", "--csv", str(tmp_path / "missing.csv"))
