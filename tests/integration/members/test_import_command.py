"""``manage.py import_subscribers``: output, exit status, modes."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from club.members.models import Member

from .conftest import canonical_row, csv_write

pytestmark = pytest.mark.django_db


def test_command_imports_and_reports(good_csv, capsys):
    call_command("import_subscribers", str(good_csv), mapping="troika-canonical")

    out = capsys.readouterr().out
    assert ("4 rows read with mapping troika-canonical: created 4, updated 0, unchanged 0; "
            "bad rows 0.") in out
    assert "Done." in out
    assert Member.objects.count() == 4


def test_second_run_reports_everything_unchanged(good_csv, capsys):
    call_command("import_subscribers", str(good_csv), mapping="troika-canonical")
    capsys.readouterr()

    call_command("import_subscribers", str(good_csv), mapping="troika-canonical")

    assert "created 0, updated 0, unchanged 4; bad rows 0." in capsys.readouterr().out


def test_bad_rows_are_listed_and_the_exit_status_is_an_error(tmp_path, capsys):
    path = csv_write(tmp_path / "bad.csv", [canonical_row(1), canonical_row(2, status="lost")])

    with pytest.raises(CommandError, match=r"^1 bad rows: nothing was written\.$"):
        call_command("import_subscribers", str(path), mapping="troika-canonical",
                     all_or_nothing=True)

    out = capsys.readouterr().out
    assert "would create 1" in out
    assert ("row 3, status: 'lost' is not a valid status (active, suspended, in_arrears, churned)"
            in out)
    assert Member.objects.count() == 0


def test_default_mode_writes_good_rows_and_still_exits_with_an_error(tmp_path, capsys):
    path = csv_write(tmp_path / "bad.csv", [canonical_row(1), canonical_row(2, status="lost")])

    with pytest.raises(CommandError, match=r"^1 bad rows were not written; the other rows were\.$"):
        call_command("import_subscribers", str(path), mapping="troika-canonical")

    assert list(Member.objects.values_list("account_number", flat=True)) == ["IMP-0001"]


def test_dry_run_writes_nothing(good_csv, capsys):
    call_command("import_subscribers", str(good_csv), mapping="troika-canonical", dry_run=True)

    out = capsys.readouterr().out
    assert "would create 4" in out and "Dry run: nothing was written." in out
    assert Member.objects.count() == 0


def test_dry_run_with_bad_rows_exits_with_an_error(tmp_path, capsys):
    path = csv_write(tmp_path / "bad.csv", [canonical_row(1), canonical_row(2, language="xx")])

    with pytest.raises(CommandError, match=r"^Dry run: 1 bad rows\.$"):
        call_command("import_subscribers", str(path), mapping="troika-canonical", dry_run=True)

    assert "row 3, language: 'xx' is not a valid language" in capsys.readouterr().out
    assert Member.objects.count() == 0


def test_unknown_mapping_is_a_clear_error(good_csv):
    with pytest.raises(CommandError, match=r"^No mapping named 'nope' \(shipped: telco-customers, "
                                           r"troika-canonical\) and no such file\.$"):
        call_command("import_subscribers", str(good_csv), mapping="nope")


def test_a_mapping_file_by_path(tmp_path, good_csv, capsys):
    mapping = tmp_path / "mine.json"
    mapping.write_text('{"fields": {"account_number": {"column": "account_number"}, '
                       '"msisdn": {"column": "msisdn"}, "activation_date": {"column": '
                       '"activation_date"}, "region": {"constant": "Huế"}}}', encoding="utf-8")

    call_command("import_subscribers", str(good_csv), mapping=str(mapping))

    assert "with mapping mine: created 4" in capsys.readouterr().out
    assert set(Member.objects.values_list("region", flat=True)) == {"Huế"}
