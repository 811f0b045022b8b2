"""A member's churn factors: the inputs that move the score most, as machine codes with their
values (``{"code", "value", "weight"}``), so the admin can say them in any language
(``texts.py``). ``weight`` is the factor's share of the log-odds against the training average:
positive raises the risk, negative lowers it."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .features import ADD_ONS, ChurnInputs
from .model import FACTOR_COUNT

PROFILE_COUNTS = frozenset({"complaints_90d", "support_contacts_90d", "days_in_arrears_90d",
                            "arrears_episodes_12m"})
PLAIN_VALUES = frozenset({"tenure_months", "contract", "payment_plan", "payment_method",
                          "internet_service", "monthly_charges", "paperless_billing", "phone_service",
                          "multiple_lines", *ADD_ONS})


def factor_value(inputs: ChurnInputs, code: str):
    """What the member has for the factor ``code``, as JSON."""
    if code in PLAIN_VALUES:
        return getattr(inputs, code)
    profile = inputs.profile
    if code in PROFILE_COUNTS:
        return getattr(profile, code)
    if code == "data_trend":
        return {"last_3m": profile.data_mb_3m, "previous_3m": profile.data_mb_prev_3m}
    if code == "spend_trend":
        return {"last_3m": round(profile.spend_3m, 2), "previous_3m": round(profile.spend_prev_3m, 2)}
    raise KeyError(code)


def top_factors(inputs: Sequence[ChurnInputs], contributions: np.ndarray, codes: Sequence[str],
                count: int = FACTOR_COUNT) -> list[list[dict]]:
    """For each row, the ``count`` factors with the largest contributions either way, largest
    first (the ranking is one numpy sort over the chunk). Factors at exactly 0 (an input the
    model gives no weight, or a member at the average) are left out."""
    if not len(inputs):
        return []
    order = np.argsort(-np.abs(contributions), axis=1, kind="stable")[:, :count]
    chosen = np.take_along_axis(contributions, order, axis=1)
    factors = []
    for item, columns, weights in zip(inputs, order, chosen, strict=True):
        factors.append([
            {"code": codes[column], "value": factor_value(item, codes[column]),
             "weight": round(float(weight), 4)}
            for column, weight in zip(columns, weights, strict=True) if abs(weight) >= 5e-5
        ])
    return factors
