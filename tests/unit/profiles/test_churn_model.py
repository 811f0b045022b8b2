"""The churn model without a database: reading a Telco row, the encoding, the fit's exported
numbers against scikit-learn's own predictions, the factors, the calibration table, the bands."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest

from club.members.services.importing_mapping import months_before
from club.profiles.churn.bands import RiskBand, band_bounds, band_of
from club.profiles.churn.factors import top_factors
from club.profiles.churn.features import (
    NUMERIC_FEATURES,
    ChurnInputs,
    InputInvalid,
    ProfileFigures,
    inputs_from_csv_row,
    inputs_from_member_values,
    months_between,
    raw_matrix,
)
from club.profiles.churn.model import ModelSpec, TooFewRows, calibration_error, calibration_table, churn_fit

from .churn_rows import telco_like_rows, telco_row

ROW = telco_row(1, tenure=5, contract="Month-to-month", internet="Fiber optic", payment="Electronic check",
                charges="89.10", churn=True, add_ons="Yes")


def test_a_telco_row_is_read_into_the_models_inputs():
    inputs = inputs_from_csv_row(ROW | {"MultipleLines": "No phone service", "StreamingTV": "No"})

    assert inputs == ChurnInputs(
        tenure_months=5, contract="Month-to-month", payment_plan="postpaid",
        payment_method="Electronic check", internet_service="Fiber optic", monthly_charges=89.10,
        paperless_billing=True, phone_service=True,
        multiple_lines=False, online_security=True, online_backup=True, device_protection=True,
        tech_support=True, streaming_tv=False, streaming_movies=True,
    )
    assert inputs.profile == ProfileFigures()  # the sample has no usage: nothing on record


@pytest.mark.parametrize(("column", "value", "message"), [
    ("tenure", "twelve", "'twelve' is not a whole number of months"),
    ("tenure", "-3", "'-3' is not a whole number of months"),
    ("MonthlyCharges", "", "is blank"),
    ("MonthlyCharges", "12,5", "'12,5' is not a number"),
    ("MonthlyCharges", "-1", "'-1' is negative"),
    ("PaperlessBilling", "Maybe", "'Maybe' is not Yes or No"),
], ids=["tenure-word", "tenure-negative", "charges-blank", "charges-comma", "charges-negative", "paperless"])
def test_a_bad_value_names_its_column(column, value, message):
    with pytest.raises(InputInvalid) as refused:
        inputs_from_csv_row(ROW | {column: value})

    assert (refused.value.column, refused.value.message) == (column, message)


@pytest.mark.parametrize("months", [0, 1, 5, 11, 12, 35, 72])
@pytest.mark.parametrize("as_of", [dt.date(2026, 11, 1), dt.date(2026, 3, 31), dt.date(2024, 2, 29)])
def test_months_between_undoes_the_imports_months_before(months, as_of):
    assert months_between(months_before(as_of=as_of, months=months), as_of) == months


def test_a_member_without_attributes_is_unknown_rather_than_no():
    inputs = inputs_from_member_values(
        {"activation_date": dt.date(2025, 1, 10), "plan_name": " Sao Prepaid Basic ",
         "payment_plan": "prepaid", "attributes": {"monthly_charges": "not a number"}},
        profile=None, on=dt.date(2026, 1, 9),
    )

    assert (inputs.tenure_months, inputs.contract) == (11, "Sao Prepaid Basic")
    assert inputs.payment_plan == "prepaid"
    assert (inputs.monthly_charges, inputs.phone_service, inputs.streaming_tv) == (None, None, None)


def test_the_usage_trend_is_a_log_ratio_and_flat_without_a_profile():
    falling = dataclasses.replace(inputs_from_csv_row(ROW), profile=ProfileFigures(
        data_mb_3m=999, data_mb_prev_3m=9_999, spend_3m=0.0, spend_prev_3m=0.0, complaints_90d=2))
    numeric, categories = raw_matrix([inputs_from_csv_row(ROW), falling])
    column = {name: index for index, name in enumerate(NUMERIC_FEATURES)}

    assert numeric[0, column["data_trend"]] == 0.0
    assert numeric[1, column["data_trend"]] == pytest.approx(np.log(1000 / 10_000))
    assert numeric[1, column["spend_trend"]] == 0.0
    assert numeric[1, column["complaints_90d"]] == 2.0
    assert numeric[0, column["tenure_log_months"]] == pytest.approx(np.log(6))
    assert list(categories[0]) == ["Month-to-month", "postpaid", "Electronic check", "Fiber optic"]


@pytest.fixture(scope="module")
def fitted():
    rows = telco_like_rows(600)
    inputs = [inputs_from_csv_row(row) for row in rows]
    labels = [int(row["Churn"] == "Yes") for row in rows]
    return inputs, labels, churn_fit(inputs, labels, seed=3)


def test_the_stored_numbers_score_as_scikit_learn_does(fitted):
    inputs, _labels, result = fitted
    stored = ModelSpec.from_json(**result.spec.to_json())
    unseen = dataclasses.replace(inputs[0], contract="A plan never seen", monthly_charges=None,
                                 profile=ProfileFigures(complaints_90d=3, data_mb_3m=10, data_mb_prev_3m=500))

    ours = stored.probabilities([*inputs, unseen])

    assert np.allclose(ours, result.sklearn_probabilities([*inputs, unseen]), rtol=0, atol=1e-12)
    assert 0.0 < ours.min() < ours.max() < 1.0


def test_the_fit_learns_the_planted_effects_and_measures_the_held_out_rows(fitted):
    _inputs, labels, result = fitted
    weights = dict(zip(result.spec.columns, result.spec.coefficients, strict=True))

    assert weights["tenure_log_months"] < 0  # the longer the tenure, the lower the risk
    assert weights["contract=Month-to-month"] > weights["contract=Two year"]
    assert weights["internet_service=Fiber optic"] > weights["internet_service=DSL"]
    assert weights["complaints_90d"] == 0.0  # the sample has no profiles: no weight to learn
    assert (result.training_rows, result.test_rows) == (450, 150)
    assert sum(row.count for row in result.calibration) == 150
    assert result.auc > 0.7
    assert result.training_churn_rate == pytest.approx(np.mean(labels), abs=0.01)  # stratified


def test_contributions_add_up_to_the_log_odds_and_name_the_strongest_inputs(fitted):
    inputs, _labels, result = fitted
    spec = result.spec
    standardised = spec.standardised(inputs[:50])

    contributions = spec.factor_contributions(standardised)
    factors = top_factors(inputs[:50], contributions, spec.factor_codes)

    assert np.allclose(contributions.sum(axis=1) + spec.intercept, spec.log_odds(standardised))
    first = factors[0]
    assert 1 <= len(first) <= 5
    assert [abs(item["weight"]) for item in first] == sorted((abs(item["weight"]) for item in first),
                                                             reverse=True)
    strongest = first[0]
    assert strongest["weight"] == pytest.approx(
        contributions[0, spec.factor_codes.index(strongest["code"])], abs=1e-4)
    values = {(item["code"], repr(item["value"]) == repr(getattr(row, item["code"], None)))
              for row, row_factors in zip(inputs[:50], factors, strict=True) for item in row_factors
              if item["code"] in {"tenure_months", "contract", "internet_service", "monthly_charges"}}
    assert ("tenure_months", True) in values and ("contract", True) in values
    assert all(same for _code, same in values)  # each factor carries the member's own value


def test_too_few_rows_of_a_class_are_refused():
    rows = telco_like_rows(60)
    inputs = [inputs_from_csv_row(row) for row in rows]
    with pytest.raises(TooFewRows, match="at least 20 of each"):
        churn_fit(inputs, [0] * 55 + [1] * 5)


def test_the_calibration_table_counts_and_compares_each_bin():
    probabilities = np.array([0.05, 0.05, 0.15, 0.95, 1.0, 0.55])
    labels = np.array([0, 1, 0, 1, 1, 0])

    table = calibration_table(probabilities, labels)

    assert [row.count for row in table] == [2, 1, 0, 0, 0, 1, 0, 0, 0, 2]
    assert (table[0].mean_predicted, table[0].observed_rate) == (0.05, 0.5)
    assert (table[9].mean_predicted, table[9].observed_rate) == (0.975, 1.0)
    assert table[3].mean_predicted is None
    assert calibration_error(table) == pytest.approx((2 * 0.45 + 0.15 + 0.55 + 2 * 0.025) / 6)


@pytest.mark.parametrize(("score", "band"), [
    (0.0, RiskBand.LOW), (0.1999, RiskBand.LOW), (0.2, RiskBand.MEDIUM), (0.45, RiskBand.HIGH),
    (0.6, RiskBand.VERY_HIGH), (1.0, RiskBand.VERY_HIGH), (None, None),
])
def test_bands(score, band):
    assert band_of(score) == band
    if band is not None:
        low, high = band_bounds(band)
        assert low <= score and (high is None or score < high)
