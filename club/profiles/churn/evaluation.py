"""The held-out measures of a fit as text: what ``churn_evaluate`` prints and docs/churn.md shows."""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone

from .model import FitResult


def evaluation_markdown(result: FitResult, *, source: str) -> str:
    lines = [
        f"Churn model evaluation, {timezone.now():%Y-%m-%d %H:%M} UTC, file {Path(source).name}",
        f"split: stratified, seed {result.seed}, {result.training_rows} training rows, "
        f"{result.test_rows} held-out rows ({result.test_share:.0%}); "
        f"training churn rate {result.training_churn_rate:.4f}",
        f"held-out ROC AUC: {result.auc:.4f}",
        f"expected calibration error: {result.calibration_error:.4f}",
        "",
        "| predicted | rows | mean predicted | observed churn rate |",
        "|---|---:|---:|---:|",
    ]
    for row in result.calibration:
        predicted = f"{row.mean_predicted:.3f}" if row.count else "-"
        observed = f"{row.observed_rate:.3f}" if row.count else "-"
        lines.append(f"| {row.low:.1f}-{row.high:.1f} | {row.count} | {predicted} | {observed} |")
    return "\n".join(lines)
