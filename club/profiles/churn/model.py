"""The churn model: a logistic regression on standardised features with one-hot categories.

Fitting uses scikit-learn (``OneHotEncoder``, ``StandardScaler``, ``LogisticRegression``) on a
stratified split with a fixed seed, and measures the held-out part: ROC AUC and a calibration
table. What the product keeps is ``ModelSpec``: the categories, the scaling, the coefficients
and the intercept as plain numbers (``ChurnModel`` stores them as JSON). Scoring is numpy on
that spec, a chunk of members at a time, and gives what the fitted pipeline's
``predict_proba`` gives (a test holds them equal).

A member's explanation is the same arithmetic: each column's contribution to the log-odds is
``coefficient x standardised value`` (0 for a member at the training average), and the columns
of one input (the one-hot columns of the contract, say) add up to that input's factor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .features import CATEGORY_FEATURES, NUMERIC_FACTOR, NUMERIC_FEATURES, ChurnInputs, raw_matrix

DEFAULT_SEED = 7
DEFAULT_TEST_SHARE = 0.25
CALIBRATION_BINS = 10
FACTOR_COUNT = 5


@dataclass(frozen=True)
class ModelSpec:
    """A fitted model as numbers: enough to score and explain without scikit-learn."""

    numeric: tuple[str, ...]
    categories: dict[str, tuple[str, ...]]
    mean: np.ndarray
    scale: np.ndarray
    coefficients: np.ndarray
    intercept: float

    @property
    def columns(self) -> list[str]:
        return [*self.numeric, *(f"{name}={value}" for name, values in self.categories.items()
                                 for value in values)]

    @property
    def column_factors(self) -> list[str]:
        """The factor (an input's code) each column belongs to."""
        return [*(NUMERIC_FACTOR[name] for name in self.numeric),
                *(name for name, values in self.categories.items() for _value in values)]

    @property
    def factor_codes(self) -> list[str]:
        return list(dict.fromkeys(self.column_factors))

    def design(self, inputs: Sequence[ChurnInputs]) -> np.ndarray:
        """The unscaled columns: numbers (unknown = the training mean) and 0/1 per category."""
        numeric, categories = raw_matrix(inputs)
        numeric = np.where(np.isnan(numeric), self.mean[: len(self.numeric)], numeric)
        one_hot = [
            (categories[:, index][:, None] == np.array(values, dtype=object)[None, :]).astype(float)
            for index, values in enumerate(self.categories.values())
        ]
        return np.hstack([numeric, *one_hot]) if one_hot else numeric

    def standardised(self, inputs: Sequence[ChurnInputs]) -> np.ndarray:
        return (self.design(inputs) - self.mean) / self.scale

    def log_odds(self, standardised: np.ndarray) -> np.ndarray:
        return standardised @ self.coefficients + self.intercept

    def probabilities(self, inputs: Sequence[ChurnInputs]) -> np.ndarray:
        return self.probabilities_from_standardised(self.standardised(inputs))

    def probabilities_from_standardised(self, standardised: np.ndarray) -> np.ndarray:
        return _sigmoid(self.log_odds(standardised))

    def factor_contributions(self, standardised: np.ndarray) -> np.ndarray:
        """Rows x ``factor_codes``: each input's share of the log-odds (columns summed)."""
        codes = self.factor_codes
        grouping = np.zeros((len(self.coefficients), len(codes)))
        for column, code in enumerate(self.column_factors):
            grouping[column, codes.index(code)] = 1.0
        return (standardised * self.coefficients) @ grouping

    def to_json(self) -> dict[str, Any]:
        return {
            "features": {"numeric": list(self.numeric),
                         "categories": {name: list(values) for name, values in self.categories.items()}},
            "scaling": {"mean": self.mean.tolist(), "scale": self.scale.tolist()},
            "coefficients": self.coefficients.tolist(),
            "intercept": float(self.intercept),
        }

    @classmethod
    def from_json(cls, *, features: dict, scaling: dict, coefficients: list, intercept: float) -> ModelSpec:
        spec = cls(
            numeric=tuple(features["numeric"]),
            categories={name: tuple(values) for name, values in features["categories"].items()},
            mean=np.asarray(scaling["mean"], dtype=float),
            scale=np.asarray(scaling["scale"], dtype=float),
            coefficients=np.asarray(coefficients, dtype=float),
            intercept=float(intercept),
        )
        unknown = [name for name in spec.numeric if name not in NUMERIC_FACTOR]
        unknown += [name for name in spec.categories if name not in CATEGORY_FEATURES]
        width = len(spec.columns)
        if unknown or not (len(spec.mean) == len(spec.scale) == len(spec.coefficients) == width):
            raise ValueError(f"the stored churn model does not fit this code (unknown inputs {unknown}, "
                             f"{width} columns)")
        return spec


def _sigmoid(values: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-values))


@dataclass(frozen=True)
class CalibrationBin:
    low: float
    high: float
    count: int
    mean_predicted: float | None
    observed_rate: float | None

    def to_json(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high, "count": self.count,
                "mean_predicted": self.mean_predicted, "observed_rate": self.observed_rate}


def calibration_table(probabilities: np.ndarray, labels: np.ndarray,
                      bins: int = CALIBRATION_BINS) -> list[CalibrationBin]:
    """Equal-width bins of the predicted probability (the last one includes 1.0): how many rows
    fell in each, their mean prediction and the share of them that churned."""
    index = np.minimum((probabilities * bins).astype(int), bins - 1)
    table = []
    for number in range(bins):
        chosen = index == number
        count = int(chosen.sum())
        table.append(CalibrationBin(
            low=number / bins, high=(number + 1) / bins, count=count,
            mean_predicted=round(float(probabilities[chosen].mean()), 4) if count else None,
            observed_rate=round(float(labels[chosen].mean()), 4) if count else None,
        ))
    return table


def calibration_error(table: Sequence[CalibrationBin]) -> float:
    """The expected calibration error: the count-weighted mean gap between prediction and outcome."""
    total = sum(row.count for row in table)
    if not total:
        return 0.0
    return sum(row.count * abs(row.mean_predicted - row.observed_rate) for row in table if row.count) / total


@dataclass(frozen=True)
class FitResult:
    """A model fitted on the training part and measured on the held-out part. ``pipeline`` and
    ``encoder`` are scikit-learn's fitted objects (kept for checks, not stored)."""

    spec: ModelSpec
    auc: float
    calibration: list[CalibrationBin]
    training_rows: int
    test_rows: int
    training_churn_rate: float
    seed: int
    test_share: float
    pipeline: Any = field(repr=False, default=None)
    encoder: Any = field(repr=False, default=None)

    @property
    def calibration_error(self) -> float:
        return calibration_error(self.calibration)

    def sklearn_probabilities(self, inputs: Sequence[ChurnInputs]) -> np.ndarray:
        """scikit-learn's own ``predict_proba`` on these inputs (what the spec must reproduce)."""
        return self.pipeline.predict_proba(_sklearn_matrix(inputs, self.encoder, self.spec))[:, 1]


def _sklearn_matrix(inputs: Sequence[ChurnInputs], encoder, spec: ModelSpec) -> np.ndarray:
    numeric, categories = raw_matrix(inputs)
    numeric = np.where(np.isnan(numeric), spec.mean[: len(spec.numeric)], numeric)
    return np.hstack([numeric, encoder.transform(categories)])


def _known_means(numeric: np.ndarray) -> np.ndarray:
    """Each column's mean over its known values; 0 for a column known nowhere."""
    known = ~np.isnan(numeric)
    counts = known.sum(axis=0)
    sums = np.where(known, numeric, 0.0).sum(axis=0)
    return np.divide(sums, counts, out=np.zeros(numeric.shape[1]), where=counts > 0)


class TooFewRows(ValueError):
    """Not enough rows of each class to fit and measure a model."""


MIN_ROWS_PER_CLASS = 20


def churn_fit(inputs: Sequence[ChurnInputs], labels: Sequence[int], *, seed: int = DEFAULT_SEED,
              test_share: float = DEFAULT_TEST_SHARE) -> FitResult:
    """Fit on a stratified ``1 - test_share`` of the rows (fixed ``seed``) and measure the rest."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    y = np.asarray(labels, dtype=int)
    churned = int(y.sum())
    if len(inputs) != len(y):
        raise ValueError("one label per row")
    if min(churned, len(y) - churned) < MIN_ROWS_PER_CLASS:
        raise TooFewRows(f"{churned} churned and {len(y) - churned} staying rows: at least "
                         f"{MIN_ROWS_PER_CLASS} of each are needed to fit and measure a model")
    if not 0.05 <= test_share <= 0.5:
        raise ValueError("the held-out share must be between 0.05 and 0.5")
    numeric, categories = raw_matrix(inputs)
    train, test = train_test_split(np.arange(len(y)), test_size=test_share, stratify=y, random_state=seed)
    means = _known_means(numeric[train])
    filled = np.where(np.isnan(numeric), means, numeric)
    encoder = OneHotEncoder(handle_unknown="ignore", sparse_output=False).fit(categories[train])
    matrix = np.hstack([filled, encoder.transform(categories)])
    pipeline = Pipeline([("scale", StandardScaler()),
                         ("model", LogisticRegression(max_iter=2000))]).fit(matrix[train], y[train])
    scaler, model = pipeline.named_steps["scale"], pipeline.named_steps["model"]
    spec = ModelSpec(
        numeric=NUMERIC_FEATURES,
        categories={name: tuple(str(value) for value in values)
                    for name, values in zip(CATEGORY_FEATURES, encoder.categories_, strict=True)},
        mean=scaler.mean_.copy(), scale=scaler.scale_.copy(),
        coefficients=model.coef_[0].copy(), intercept=float(model.intercept_[0]),
    )
    held_out = pipeline.predict_proba(matrix[test])[:, 1]
    return FitResult(
        spec=spec, auc=float(roc_auc_score(y[test], held_out)),
        calibration=calibration_table(held_out, y[test]),
        training_rows=len(train), test_rows=len(test), training_churn_rate=float(y[train].mean()),
        seed=seed, test_share=test_share, pipeline=pipeline, encoder=encoder,
    )
