"""One record -> Member values or every error in it (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from club.members.services.billing_detail import billing_detail_digest
from club.members.services.importing import import_mapping_load
from club.members.services.importing_mapping import mapping_parse
from club.members.services.importing_rows import RowError, RowParser

GOOD = {
    "msisdn": "+84912345678", "account_number": "ACC-1", "customer_type": "household",
    "activation_date": "2021-06-30", "payment_plan": "postpaid", "tariff_kind": "flat_rate",
    "plan_name": "Sao 399", "region": "Hà Nội", "city": "Cầu Giấy", "language": "vi",
    "birth_date": "", "status": "churned", "churn_reason": "lost_to_competitor", "segment": "vip",
    "consent_marketing": "yes", "consent_profiling": "0", "consent_email": "TRUE",
    "consent_sms": "false", "time_zone": "Asia/Ho_Chi_Minh", "billing_detail": " 1 234 000 ",
}


@pytest.fixture(scope="module")
def canonical():
    return RowParser(import_mapping_load("troika-canonical"))


def test_a_good_canonical_row_gives_typed_values(canonical):
    parsed, errors = canonical.parse(row=2, record=GOOD)

    assert errors == []
    assert parsed.row == 2
    assert parsed.attributes is None
    assert parsed.values == {
        "msisdn": "+84912345678", "account_number": "ACC-1", "customer_type": "household",
        "activation_date": dt.date(2021, 6, 30), "payment_plan": "postpaid",
        "tariff_kind": "flat_rate", "plan_name": "Sao 399", "region": "Hà Nội",
        "city": "Cầu Giấy", "language": "vi", "birth_date": None, "status": "churned",
        "churn_reason": "lost_to_competitor", "segment": "vip", "consent_marketing": True,
        "consent_profiling": False, "consent_email": True, "consent_sms": False,
        "time_zone": "Asia/Ho_Chi_Minh", "billing_detail_digest": billing_detail_digest("1234000"),
    }


def test_billing_digest_is_hmac_sha256_of_the_normalised_value():
    digest = billing_detail_digest("AB 12")

    assert len(digest) == 64
    assert digest == billing_detail_digest("ab12")
    assert digest != billing_detail_digest("ab13")


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        pytest.param("msisdn", "12", "'12' is not a possible phone number", id="msisdn-short"),
        pytest.param("msisdn", "call me", "'call me' is not a phone number", id="msisdn-text"),
        pytest.param("msisdn", "", "is required", id="msisdn-blank"),
        pytest.param("account_number", "", "is required", id="account-blank"),
        pytest.param("account_number", "A" * 33, "is 33 characters long; at most 32", id="account-long"),
        pytest.param("customer_type", "vip", "'vip' is not a valid customer type (individual, "
                     "household, enterprise, government)", id="choice"),
        pytest.param("activation_date", "30/06/2021", "'30/06/2021' is not a date (YYYY-MM-DD)",
                     id="date-format"),
        pytest.param("activation_date", "2021-02-30", "'2021-02-30' is not a date (YYYY-MM-DD)",
                     id="date-impossible"),
        pytest.param("consent_sms", "maybe", "'maybe' is not yes/no (use true/false, yes/no or 1/0)",
                     id="bool"),
        pytest.param("consent_sms", "", "is required", id="bool-blank"),
        pytest.param("language", "fr", "'fr' is not a valid language (en, vi, zh-hans, ru)",
                     id="language"),
        pytest.param("time_zone", "Mars/Olympus", "'Mars/Olympus' is not a time zone such as "
                     "'Asia/Ho_Chi_Minh'", id="time-zone"),
    ],
)
def test_each_bad_value_is_named_with_its_column(canonical, column, value, message):
    parsed, errors = canonical.parse(row=7, record={**GOOD, column: value})

    assert errors == [RowError(row=7, column=column, message=message)]


def test_every_error_of_a_row_is_reported(canonical):
    record = {**GOOD, "msisdn": "x", "activation_date": "soon", "status": "gone"}

    _parsed, errors = canonical.parse(row=3, record=record)

    assert [(error.row, error.column) for error in errors] == [
        (3, "msisdn"), (3, "activation_date"), (3, "status"),
    ]


def test_churn_reason_needs_status_churned(canonical):
    _parsed, errors = canonical.parse(row=4, record={**GOOD, "status": "active"})

    assert errors == [RowError(row=4, column="churn_reason", message="a churn reason "
                               "('lost_to_competitor') needs status 'churned', not 'active'")]


def test_national_numbers_use_the_mapping_region():
    mapping = mapping_parse(data={
        "phone_region": "VN",
        "fields": {"account_number": {"column": "a"}, "msisdn": {"column": "m"},
                   "activation_date": {"constant": "2020-01-01"}},
    })

    parsed, errors = RowParser(mapping).parse(row=2, record={"a": "X", "m": "0912 345 678"})

    assert errors == []
    assert parsed.values["msisdn"] == "+84912345678"


TELCO_ROW = {
    "customerID": "7590-VHVEG", "gender": "Female", "SeniorCitizen": "0", "Partner": "Yes",
    "Dependents": "No", "tenure": "1", "PhoneService": "No", "MultipleLines": "No phone service",
    "InternetService": "DSL", "OnlineSecurity": "No", "OnlineBackup": "Yes",
    "DeviceProtection": "No", "TechSupport": "No", "StreamingTV": "No", "StreamingMovies": "No",
    "Contract": "Month-to-month", "PaperlessBilling": "Yes", "PaymentMethod": "Electronic check",
    "MonthlyCharges": "29.85", "TotalCharges": " ", "Churn": "Yes", "City": "Los Angeles",
}


def test_telco_mapping_reads_the_sample_format():
    parser = RowParser(import_mapping_load("telco-customers"))

    parsed, errors = parser.parse(row=2, record=TELCO_ROW)

    assert errors == []
    values = parsed.values
    assert values["account_number"] == "7590-VHVEG"
    assert values["msisdn"].startswith("+1") and len(values["msisdn"]) == 12
    assert values["activation_date"] == dt.date(2026, 10, 1)
    assert values["customer_type"] == "individual"
    assert (values["payment_plan"], values["tariff_kind"], values["plan_name"]) == (
        "postpaid", "flat_rate", "Month-to-month")
    assert (values["region"], values["city"], values["language"]) == ("California", "Los Angeles", "en")
    assert values["status"] == "churned"
    assert values["billing_detail_digest"] == ""  # blank TotalCharges: no digest
    assert parsed.attributes == {
        "gender": "Female", "senior_citizen": False, "partner": True, "phone_service": False,
        "multiple_lines": "No phone service", "internet_service": "DSL", "online_security": "No",
        "online_backup": "Yes", "device_protection": "No", "tech_support": "No",
        "streaming_tv": "No", "streaming_movies": "No", "payment_method": "Electronic check",
        "paperless_billing": True, "monthly_charges": "29.85", "total_charges": None,
    }


def test_telco_attribute_numbers_are_checked():
    parser = RowParser(import_mapping_load("telco-customers"))

    _parsed, errors = parser.parse(row=9, record={**TELCO_ROW, "MonthlyCharges": "29,85",
                                                  "SeniorCitizen": "2", "Dependents": "Yes"})

    assert errors == [
        RowError(row=9, column="SeniorCitizen",
                 message="'2' is not yes/no (use true/false, yes/no or 1/0)"),
        RowError(row=9, column="MonthlyCharges", message="'29,85' is not a number"),
    ]
