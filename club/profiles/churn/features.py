"""The churn model's inputs, read the same way from a row of the Telco sample and from a member.

``ChurnInputs`` is what the model sees of one subscriber, before any encoding. The import
mapping ``telco-customers`` turns the sample's columns into ``Member`` fields and attributes;
``inputs_from_csv_row`` and ``inputs_from_member_values`` undo exactly that, so a row and the
member imported from it give the same inputs (and the same feature vector). The usage and care
figures come from the member's ``MemberProfile``; the sample has none, so they are 0 there
(no trend, nothing on record), as they are for a member without a profile.

``raw_matrix`` turns many inputs into the numeric columns and the category columns the model
encodes (``model.py``): one column at a time, no per-member objects beyond the inputs.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import numpy as np

ADD_ONS = ("online_security", "online_backup", "device_protection", "tech_support", "streaming_tv",
           "streaming_movies")
# The sample's column of each add-on (the mapping stores them under the names of ADD_ONS).
ADD_ON_COLUMNS = {
    "online_security": "OnlineSecurity", "online_backup": "OnlineBackup",
    "device_protection": "DeviceProtection", "tech_support": "TechSupport",
    "streaming_tv": "StreamingTV", "streaming_movies": "StreamingMovies",
}
CSV_COLUMNS = ("customerID", "tenure", "Contract", "PaymentMethod", "PaperlessBilling", "MonthlyCharges",
               "PhoneService", "MultipleLines", "InternetService", *ADD_ON_COLUMNS.values(), "Churn")
# The sample is postpaid throughout (the mapping's constant payment plan).
CSV_PAYMENT_PLAN = "postpaid"
YES = "Yes"

# The profile's columns the model reads, in the order of ``ProfileFigures``.
PROFILE_FIELDS = ("data_mb_3m", "data_mb_prev_3m", "spend_3m", "spend_prev_3m", "complaints_90d",
                  "support_contacts_90d", "days_in_arrears_90d", "arrears_episodes_12m")
# The member's columns the model reads (``inputs_from_member_values`` takes them by these names).
MEMBER_FIELDS = ("activation_date", "plan_name", "payment_plan", "attributes")


class InputInvalid(ValueError):
    """One value of one source row is wrong: ``column`` and a message for staff."""

    def __init__(self, column: str, message: str):
        super().__init__(f"{column}: {message}")
        self.column = column
        self.message = message


@dataclass(frozen=True)
class ProfileFigures:
    data_mb_3m: int = 0
    data_mb_prev_3m: int = 0
    spend_3m: float = 0.0
    spend_prev_3m: float = 0.0
    complaints_90d: int = 0
    support_contacts_90d: int = 0
    days_in_arrears_90d: int = 0
    arrears_episodes_12m: int = 0


NO_PROFILE = ProfileFigures()


@dataclass(frozen=True)
class ChurnInputs:
    """One subscriber as the model reads it. ``None`` is "not known" (the model then uses the
    average of its training rows, so an unknown value neither raises nor lowers the risk)."""

    tenure_months: int
    contract: str
    payment_plan: str
    payment_method: str
    internet_service: str
    monthly_charges: float | None
    paperless_billing: bool | None
    phone_service: bool | None
    multiple_lines: bool | None
    online_security: bool | None
    online_backup: bool | None
    device_protection: bool | None
    tech_support: bool | None
    streaming_tv: bool | None
    streaming_movies: bool | None
    profile: ProfileFigures = NO_PROFILE


# The model's numeric columns, in order, and the factor each one explains.
NUMERIC_FEATURES = (
    "tenure_log_months", "monthly_charges", "paperless_billing", "phone_service", "multiple_lines",
    *ADD_ONS, "data_trend", "spend_trend", "complaints_90d", "support_contacts_90d",
    "days_in_arrears_90d", "arrears_episodes_12m",
)
CATEGORY_FEATURES = ("contract", "payment_plan", "payment_method", "internet_service")
NUMERIC_FACTOR = {name: name for name in NUMERIC_FEATURES} | {"tenure_log_months": "tenure_months"}


def _yes(text: str | None) -> bool | None:
    """The sample's "Yes" / "No" / "No internet service" / "No phone service" as a yes/no."""
    if text is None:
        return None
    return text.strip() == YES


def _category(text: object) -> str:
    return str(text).strip() if text is not None else ""


def _number(text: object, column: str) -> float:
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        raise InputInvalid(column, f"'{text}' is not a number") from None
    if not value.is_finite():
        raise InputInvalid(column, f"'{text}' is not a number")
    return float(value)


def inputs_from_csv_row(row: Mapping[str, str]) -> ChurnInputs:
    """A row of the Telco sample (``csv.DictReader``); raises ``InputInvalid`` naming the column."""
    tenure_text = (row.get("tenure") or "").strip()
    if not tenure_text.isdigit():
        raise InputInvalid("tenure", f"'{tenure_text}' is not a whole number of months")
    charges_text = (row.get("MonthlyCharges") or "").strip()
    if not charges_text:
        raise InputInvalid("MonthlyCharges", "is blank")
    charges = _number(charges_text, "MonthlyCharges")
    if charges < 0:
        raise InputInvalid("MonthlyCharges", f"'{charges_text}' is negative")
    yes_no = {}
    for column in ("PaperlessBilling", "PhoneService"):
        text = (row.get(column) or "").strip()
        if text not in {"Yes", "No"}:
            raise InputInvalid(column, f"'{text}' is not Yes or No")
        yes_no[column] = text == YES
    return ChurnInputs(
        tenure_months=int(tenure_text),
        contract=_category(row.get("Contract")),
        payment_plan=CSV_PAYMENT_PLAN,
        payment_method=_category(row.get("PaymentMethod")),
        internet_service=_category(row.get("InternetService")),
        monthly_charges=charges,
        paperless_billing=yes_no["PaperlessBilling"],
        phone_service=yes_no["PhoneService"],
        multiple_lines=_yes(row.get("MultipleLines")),
        **{add_on: _yes(row.get(column)) for add_on, column in ADD_ON_COLUMNS.items()},
    )


def churn_label_from_csv_row(row: Mapping[str, str]) -> int:
    text = (row.get("Churn") or "").strip()
    if text not in {"Yes", "No"}:
        raise InputInvalid("Churn", f"'{text}' is not Yes or No")
    return int(text == YES)


def months_between(first: dt.date, last: dt.date) -> int:
    """Whole months from ``first`` to ``last`` (0 when ``first`` is later): what the import's
    ``months_before`` undoes, so a tenure of N months imported as of a day gives N back."""
    months = (last.year - first.year) * 12 + last.month - first.month - (last.day < first.day)
    return max(months, 0)


def _attribute_bool(value: object) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    return _yes(str(value))


def _attribute_number(value: object) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return None  # a billing system's odd value is "not known", not a failed night
    return number if math.isfinite(number) else None


def inputs_from_member_values(values: Mapping[str, object], *, profile: ProfileFigures | None,
                              on: dt.date) -> ChurnInputs:
    """A member from its columns (``MEMBER_FIELDS``, as ``.values()`` gives them), its profile's
    figures (``None``: no profile) and the day the tenure is counted to."""
    attributes = values.get("attributes") or {}
    if not isinstance(attributes, Mapping):
        attributes = {}
    return ChurnInputs(
        tenure_months=months_between(values["activation_date"], on),
        contract=_category(values.get("plan_name")),
        payment_plan=_category(values.get("payment_plan")),
        payment_method=_category(attributes.get("payment_method")),
        internet_service=_category(attributes.get("internet_service")),
        monthly_charges=_attribute_number(attributes.get("monthly_charges")),
        paperless_billing=_attribute_bool(attributes.get("paperless_billing")),
        phone_service=_attribute_bool(attributes.get("phone_service")),
        multiple_lines=_attribute_bool(attributes.get("multiple_lines")),
        **{add_on: _attribute_bool(attributes.get(add_on)) for add_on in ADD_ONS},
        profile=profile or NO_PROFILE,
    )


def profile_figures(values: Sequence[object]) -> ProfileFigures:
    """The profile's ``PROFILE_FIELDS`` in that order (a row of ``.values_list``)."""
    data_3m, data_prev, spend_3m, spend_prev, complaints, contacts, arrears_days, episodes = values
    return ProfileFigures(
        data_mb_3m=int(data_3m or 0), data_mb_prev_3m=int(data_prev or 0),
        spend_3m=float(spend_3m or 0), spend_prev_3m=float(spend_prev or 0),
        complaints_90d=int(complaints or 0), support_contacts_90d=int(contacts or 0),
        days_in_arrears_90d=int(arrears_days or 0), arrears_episodes_12m=int(episodes or 0),
    )


def _optional(values) -> np.ndarray:
    return np.array([np.nan if value is None else float(value) for value in values], dtype=float)


def _trend(now: np.ndarray, before: np.ndarray) -> np.ndarray:
    """log(1 + now) - log(1 + before): 0 when flat, negative when use falls, symmetric, and
    finite when either side is 0 (a share of change would divide by zero)."""
    return np.log1p(np.maximum(now, 0)) - np.log1p(np.maximum(before, 0))


def raw_matrix(inputs: Sequence[ChurnInputs]) -> tuple[np.ndarray, np.ndarray]:
    """``(numeric, categories)``: the ``NUMERIC_FEATURES`` as floats (NaN where not known) and
    the ``CATEGORY_FEATURES`` as text, one row per subscriber."""
    profiles = [item.profile for item in inputs]

    def column(name: str) -> np.ndarray:
        return _optional(getattr(item, name) for item in inputs)

    def profile_column(name: str) -> np.ndarray:
        return np.array([getattr(profile, name) for profile in profiles], dtype=float)

    columns = {
        "tenure_log_months": np.log1p(np.maximum(column("tenure_months"), 0)),
        **{name: column(name) for name in ("monthly_charges", "paperless_billing", "phone_service",
                                           "multiple_lines", *ADD_ONS)},
        "data_trend": _trend(profile_column("data_mb_3m"), profile_column("data_mb_prev_3m")),
        "spend_trend": _trend(profile_column("spend_3m"), profile_column("spend_prev_3m")),
        **{name: profile_column(name) for name in ("complaints_90d", "support_contacts_90d",
                                                   "days_in_arrears_90d", "arrears_episodes_12m")},
    }
    numeric = np.column_stack([columns[name] for name in NUMERIC_FEATURES]) if inputs else \
        np.empty((0, len(NUMERIC_FEATURES)))
    categories = np.array([[getattr(item, name) for name in CATEGORY_FEATURES] for item in inputs],
                          dtype=object).reshape(len(inputs), len(CATEGORY_FEATURES))
    return numeric, categories
