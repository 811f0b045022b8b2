"""The subscriber import service against the database: upsert, idempotency, bad rows, modes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from club.members.models import ConsentPurpose, ConsentRecord, Member
from club.members.services import importing
from club.members.services.billing_detail import billing_detail_digest
from club.members.services.importing import (
    RowError,
    import_mapping_load,
    subscriber_import_file,
    subscriber_import_records,
)
from tests.factories import MemberFactory

from .conftest import canonical_row, csv_write, jsonl_write

pytestmark = pytest.mark.django_db

CANONICAL = "troika-canonical"


def _snapshot():
    return list(Member.objects.order_by("pk").values_list("pk", "updated_at", "city", "status"))


def test_a_csv_creates_its_members_with_every_value(good_csv):
    report = subscriber_import_file(file=good_csv, file_format=None, mapping=CANONICAL)

    assert (report.total_rows, report.created, report.updated, report.unchanged) == (4, 4, 0, 0)
    assert report.errors == [] and report.written is True
    member = Member.objects.get(account_number="IMP-0002")
    assert member.msisdn == "+84912340002"
    assert member.activation_date == dt.date(2022, 3, 15)
    assert member.birth_date == dt.date(1990, 5, 1)
    assert (member.customer_type, member.payment_plan, member.tariff_kind) == (
        "individual", "prepaid", "metered")
    assert (member.consent_marketing, member.consent_sms, member.consent_portal) == (True, False, True)
    assert member.billing_detail_digest == billing_detail_digest("100002")
    # A new member's consents that differ from the defaults are recorded as given by the import.
    assert list(member.consents.values_list("purpose", "granted", "source")) == [
        (ConsentPurpose.MARKETING, True, "import")]


def test_importing_the_same_file_again_changes_nothing(good_csv):
    subscriber_import_file(file=good_csv, file_format="csv", mapping=CANONICAL)
    before, consents = _snapshot(), ConsentRecord.objects.count()

    report = subscriber_import_file(file=good_csv, file_format="csv", mapping=CANONICAL)

    assert (report.created, report.updated, report.unchanged, report.errors) == (0, 0, 4, [])
    assert _snapshot() == before
    assert ConsentRecord.objects.count() == consents


def test_a_changed_row_updates_only_that_member_and_records_the_consent_change(tmp_path, good_rows):
    subscriber_import_records(records=good_rows, mapping=CANONICAL)
    before = dict((pk, updated) for pk, updated, *_ in _snapshot())
    good_rows[1] = {**good_rows[1], "city": "Cầu Giấy", "consent_sms": "true"}

    report = subscriber_import_records(records=good_rows, mapping=CANONICAL)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 3)
    changed = Member.objects.get(account_number="IMP-0002")
    assert (changed.city, changed.consent_sms) == ("Cầu Giấy", True)
    assert changed.updated_at > before[changed.pk]
    assert [pk for pk, updated, *_ in _snapshot() if updated != before[pk]] == [changed.pk]
    assert list(changed.consents.filter(purpose=ConsentPurpose.CHANNEL_SMS)
                .values_list("granted", "source")) == [(True, "import")]


def test_an_existing_member_keeps_what_the_mapping_does_not_declare(good_rows):
    member = MemberFactory(account_number="IMP-0001", msisdn="+84912340001", consent_portal=False,
                           attributes={"vip_since": 2019})
    mapping = import_mapping_load(CANONICAL)

    subscriber_import_records(records=good_rows[:1], mapping=mapping)

    member.refresh_from_db()
    assert member.consent_portal is False
    assert member.attributes == {"vip_since": 2019}
    assert member.plan_name == "Sao Basic"


def test_leaving_churned_clears_the_churn_reason(good_rows):
    churned = canonical_row(1, status="churned", churn_reason="voluntary")
    subscriber_import_records(records=[churned], mapping=CANONICAL)
    back = {**churned, "status": "active", "churn_reason": ""}

    report = subscriber_import_records(records=[back], mapping=CANONICAL)

    assert report.updated == 1
    assert Member.objects.values_list("status", "churn_reason").get() == ("active", "")


BAD_ROWS = [
    canonical_row(1),
    canonical_row(2, msisdn="12345"),                          # row 3
    canonical_row(3, activation_date="2022-13-01"),            # row 4
    canonical_row(4, account_number="IMP-0001"),               # row 5: duplicate account
    canonical_row(5, msisdn="+84912340001"),                   # row 6: duplicate MSISDN
    canonical_row(6, customer_type="corporate", consent_sms="sometimes"),  # row 7: two errors
    canonical_row(7),
    canonical_row(8, msisdn="+84999000111"),                   # row 9: another account's number
]
EXPECTED_ERRORS = [
    RowError(3, "msisdn", "'12345' is not a possible phone number"),
    RowError(4, "activation_date", "'2022-13-01' is not a date (YYYY-MM-DD)"),
    RowError(5, "account_number", "duplicate account number IMP-0001: also on row 2"),
    RowError(6, "msisdn", "duplicate MSISDN +84912340001: also on row 2"),
    RowError(7, "customer_type", "'corporate' is not a valid customer type (individual, household, "
                                 "enterprise, government)"),
    RowError(7, "consent_sms", "'sometimes' is not yes/no (use true/false, yes/no or 1/0)"),
    RowError(9, "msisdn", "+84999000111 already belongs to account OTHER-1"),
]


@pytest.fixture
def bad_csv(tmp_path):
    MemberFactory(account_number="OTHER-1", msisdn="+84999000111")
    return csv_write(tmp_path / "bad.csv", BAD_ROWS)


def test_default_mode_names_every_bad_row_and_writes_only_the_good_ones(bad_csv):
    report = subscriber_import_file(file=bad_csv, file_format="csv", mapping=CANONICAL)

    assert report.errors == EXPECTED_ERRORS
    assert report.bad_rows == 6
    assert (report.total_rows, report.created, report.written) == (8, 2, True)
    assert sorted(Member.objects.values_list("account_number", flat=True)) == [
        "IMP-0001", "IMP-0007", "OTHER-1"]


def test_all_or_nothing_writes_nothing_when_a_row_is_bad(bad_csv):
    before = _snapshot()

    report = subscriber_import_file(file=bad_csv, file_format="csv", mapping=CANONICAL,
                                    all_or_nothing=True)

    assert report.errors == EXPECTED_ERRORS
    assert report.written is False
    assert _snapshot() == before
    assert ConsentRecord.objects.count() == 0


def test_all_or_nothing_writes_everything_when_every_row_is_good(good_csv):
    report = subscriber_import_file(file=good_csv, file_format="csv", mapping=CANONICAL,
                                    all_or_nothing=True)

    assert (report.created, report.written) == (4, True)
    assert Member.objects.count() == 4


def test_dry_run_validates_and_counts_but_writes_nothing(bad_csv):
    before = _snapshot()

    report = subscriber_import_file(file=bad_csv, file_format="csv", mapping=CANONICAL, dry_run=True)

    assert report.errors == EXPECTED_ERRORS
    assert (report.created, report.dry_run, report.written) == (2, True, False)
    assert _snapshot() == before


def test_jsonl_imports_like_csv_and_numbers_lines(tmp_path, good_rows):
    records = [
        good_rows[0],
        {**good_rows[1], "consent_marketing": False, "birth_date": None},
        "not an object",
        {**good_rows[2], "language": "fr"},
    ]
    path = jsonl_write(tmp_path / "subscribers.jsonl", records)
    path.write_text(path.read_text() + "\n{broken\n", encoding="utf-8")

    report = subscriber_import_file(file=path, file_format=None, mapping=CANONICAL)

    assert report.errors == [
        RowError(3, "", "Each line must be a JSON object."),
        RowError(4, "language", "'fr' is not a valid language (en, vi, zh-hans, ru)"),
        RowError(6, "", "Not valid JSON: Expecting property name enclosed in double quotes."),
    ]
    assert report.created == 2
    second = Member.objects.get(account_number="IMP-0002")
    assert (second.consent_marketing, second.birth_date) == (False, None)


def test_missing_columns_are_named_and_nothing_is_read(tmp_path, good_rows):
    path = csv_write(tmp_path / "short.csv", good_rows,
                     columns=[c for c in good_rows[0] if c not in {"city", "time_zone"}])

    report = subscriber_import_file(file=path, file_format="csv", mapping=CANONICAL)

    assert report.errors == [
        RowError(1, "city", "Missing column: the mapping reads it."),
        RowError(1, "time_zone", "Missing column: the mapping reads it."),
    ]
    assert (report.total_rows, report.written) == (4, False)
    assert Member.objects.count() == 0


def test_a_ragged_csv_row_is_named(tmp_path, good_csv):
    good_csv.write_text(good_csv.read_text(encoding="utf-8") + "+84900000000,ACC-X\n",
                        encoding="utf-8")

    report = subscriber_import_file(file=good_csv, file_format="csv", mapping=CANONICAL)

    assert report.errors == [RowError(6, "", "This row has 2 values; the header has 20.")]
    assert report.created == 4


def _queries(rows) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        subscriber_import_records(records=rows, mapping=CANONICAL)
    return [query["sql"] for query in captured.captured_queries]


def test_queries_grow_with_chunks_not_with_rows(monkeypatch):
    """A chunk costs a fixed number of statements (one SELECT to compare, bulk writes); twice
    the rows in twice the chunks cost exactly twice the queries."""
    monkeypatch.setattr(importing, "CHUNK_SIZE", 50)

    one_hundred = _queries([canonical_row(index) for index in range(1, 101)])
    two_hundred = _queries([canonical_row(index) for index in range(101, 301)])

    assert len(two_hundred) == 2 * len(one_hundred)
    assert len(one_hundred) <= 2 * 8


def test_a_re_import_only_reads_one_select_per_chunk(monkeypatch):
    monkeypatch.setattr(importing, "CHUNK_SIZE", 50)
    rows = [canonical_row(index) for index in range(1, 101)]
    subscriber_import_records(records=rows, mapping=CANONICAL)

    again = _queries(rows)

    assert len([sql for sql in again if sql.startswith("SELECT")]) == 2
    assert [sql for sql in again if sql.startswith(("INSERT", "UPDATE", "DELETE", "COPY"))] == []


def test_progress_is_reported_after_each_chunk(monkeypatch):
    monkeypatch.setattr(importing, "CHUNK_SIZE", 2)
    calls = []

    subscriber_import_records(records=[canonical_row(i) for i in range(1, 6)], mapping=CANONICAL,
                              progress=lambda done, total: calls.append((done, total)))

    assert calls == [(2, 5), (4, 5), (5, 5)]
