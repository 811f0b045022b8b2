"""Fitting and storing a churn model: on the operator's own members (churned against active
lines) or on a CSV file of the Telco sample's shape. A stored model becomes the active one;
the one it replaces is kept, inactive."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from club.members.models import Member, MemberStatus

from ..models import ChurnModel
from .csv_source import LabelledRows, churn_rows_read
from .features import PROFILE_FIELDS, inputs_from_member_values, profile_figures
from .model import DEFAULT_SEED, DEFAULT_TEST_SHARE, MIN_ROWS_PER_CLASS, FitResult, TooFewRows, churn_fit

MEMBERS_SOURCE = "members"


class ChurnFitRefused(Exception):
    """The data cannot give a model; ``str(exc)`` says why, for staff."""


def churn_training_rows_members(*, on: dt.date) -> LabelledRows:
    """The members who consented to profiling, labelled 1 when their line has left (status
    churned) and 0 when it is active; suspended and in-arrears lines are neither."""
    rows = (
        Member.objects.filter(consent_profiling=True, status__in=[MemberStatus.ACTIVE, MemberStatus.CHURNED])
        .order_by("pk")
        .values_list("account_number", "status", "activation_date", "plan_name", "payment_plan", "attributes",
                     *(f"profile__{name}" for name in PROFILE_FIELDS))
    )
    inputs, labels, accounts = [], [], []
    for account, status, activation, plan, payment_plan, attributes, *figures in rows.iterator(2000):
        has_profile = any(value is not None for value in figures)
        inputs.append(inputs_from_member_values(
            {"activation_date": activation, "plan_name": plan, "payment_plan": payment_plan,
             "attributes": attributes},
            profile=profile_figures(figures) if has_profile else None, on=on,
        ))
        labels.append(int(status == MemberStatus.CHURNED))
        accounts.append(account)
    return LabelledRows(inputs=inputs, labels=labels, account_ids=accounts)


def _fit(rows: LabelledRows, *, seed: int, test_share: float) -> FitResult:
    try:
        return churn_fit(rows.inputs, rows.labels, seed=seed, test_share=test_share)
    except TooFewRows as refused:
        raise ChurnFitRefused(str(refused)) from None


def churn_model_fit_members(*, on: dt.date | None = None, seed: int = DEFAULT_SEED,
                            test_share: float = DEFAULT_TEST_SHARE) -> ChurnModel:
    """Fit on the operator's own members and store the model as the active one."""
    on = on or timezone.localdate()
    rows = churn_training_rows_members(on=on)
    churned = sum(rows.labels)
    if min(churned, len(rows.labels) - churned) < MIN_ROWS_PER_CLASS:
        raise ChurnFitRefused(
            f"too few members to fit a model: {churned} churned and {len(rows.labels) - churned} active "
            f"members consented to profiling; at least {MIN_ROWS_PER_CLASS} of each are needed "
            f"(or fit on a file with --csv)")
    return churn_model_store(result=_fit(rows, seed=seed, test_share=test_share), source=MEMBERS_SOURCE)


def churn_model_fit_csv(*, path: Path | str, seed: int = DEFAULT_SEED,
                        test_share: float = DEFAULT_TEST_SHARE) -> ChurnModel:
    """Fit on a CSV file of the Telco sample's shape and store the model as the active one."""
    rows = churn_rows_read(path)
    return churn_model_store(result=_fit(rows, seed=seed, test_share=test_share), source=Path(path).name)


@transaction.atomic
def churn_model_store(*, result: FitResult, source: str) -> ChurnModel:
    """Keep a fitted model as the next version and make it the active one."""
    list(ChurnModel.objects.select_for_update().filter(active=True))  # one store at a time
    version = (ChurnModel.objects.aggregate(last=Max("version"))["last"] or 0) + 1
    ChurnModel.objects.filter(active=True).update(active=False)
    return ChurnModel.objects.create(
        version=version, fitted_at=timezone.now(), source=source[:200], **result.spec.to_json(),
        auc=result.auc, calibration=[row.to_json() for row in result.calibration],
        training_rows=result.training_rows, test_rows=result.test_rows,
        training_churn_rate=result.training_churn_rate, seed=result.seed, active=True,
    )
