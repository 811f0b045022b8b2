"""Members > Import subscribers in the Wagtail admin, end to end with the test client:
upload, the Celery task (eager, after commit), the progress page and its htmx partial."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from club.members.models import Member, SubscriberImport
from tests.factories import UserFactory
from tests.mfa_login import login_with_mfa

from .conftest import canonical_row, csv_write
from .factories_admin import staff_with_mfa

pytestmark = pytest.mark.django_db

IMPORTER_PERMISSIONS = ("wagtailadmin.access_admin", "members.add_member")
MENU_ITEM = '"label": "Import subscribers", "icon_name": "upload", "classname": "", "attrs": {}, ' \
    '"url": "/admin/member-import/"'


@pytest.fixture
def importer(client):
    user = staff_with_mfa(*IMPORTER_PERMISSIONS)
    login_with_mfa(client, user)
    client.user = user
    return client


def _upload(path, *, content_type="text/csv"):
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type=content_type)


def _post(client, capture, data):
    with capture(execute=True):
        return client.post(reverse("members_import"), data)


def test_the_upload_screen_lists_the_shipped_mappings_and_the_menu_item(importer):
    response = importer.get(reverse("members_import"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="telco-customers"' in html and 'value="troika-canonical"' in html
    assert "Upload a mapping" in html
    assert MENU_ITEM in html  # in the sidebar's JSON


def test_upload_runs_the_import_and_the_progress_page_shows_the_result(
    importer, good_csv, django_capture_on_commit_callbacks
):
    response = _post(importer, django_capture_on_commit_callbacks, {
        "file": _upload(good_csv), "mapping_name": "troika-canonical", "mode": "best_effort",
    })

    job = SubscriberImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("members_import_progress", kwargs={"pk": job.pk})
    assert (job.state, job.total_rows, job.processed_rows, job.created_count) == ("done", 4, 4, 4)
    assert (job.mapping_name, job.started_by, job.original_name) == (
        "troika-canonical", importer.user, "subscribers.csv")
    assert Member.objects.count() == 4
    page = importer.get(response["Location"]).content.decode()
    assert "js/htmx.min.js" in page
    assert 'id="import-progress" max="4" value="4"' in page
    assert 'data-count="created">4<' in page
    assert "hx-trigger" not in page  # finished: no more polling


def test_the_partial_polls_while_the_run_is_queued(importer, good_csv):
    job = SubscriberImport.objects.create(
        file=SimpleUploadedFile("x.csv", b""), original_name="x.csv", mapping_name="m",
        mapping={}, total_rows=10, processed_rows=4,
    )
    status_url = reverse("members_import_status", kwargs={"pk": job.pk})

    response = importer.get(status_url, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="import-status"')
    assert f'hx-get="{status_url}" hx-trigger="every 1s" hx-swap="outerHTML"' in html
    assert 'max="10" value="4"' in html and "4 of 10 rows (40%)" in html
    assert "<html" not in html


def test_all_or_nothing_with_bad_rows_is_rejected_and_lists_them(
    importer, tmp_path, django_capture_on_commit_callbacks
):
    path = csv_write(tmp_path / "bad.csv", [
        canonical_row(1), canonical_row(2, activation_date="yesterday"), canonical_row(3),
    ])

    response = _post(importer, django_capture_on_commit_callbacks, {
        "file": _upload(path), "mapping_name": "troika-canonical", "mode": "all_or_nothing",
    })

    job = SubscriberImport.objects.get()
    assert (job.state, job.error_count, job.created_count) == ("rejected", 1, 2)
    assert job.errors == [{"row": 3, "column": "activation_date",
                           "message": "'yesterday' is not a date (YYYY-MM-DD)"}]
    assert Member.objects.count() == 0
    html = importer.get(response["Location"]).content.decode()
    assert "Nothing was written" in html
    assert ("<td>3</td><td>activation_date</td><td>&#x27;yesterday&#x27; is not a date "
            "(YYYY-MM-DD)</td>") in html


def test_dry_run_from_the_admin_writes_nothing(importer, good_csv, django_capture_on_commit_callbacks):
    _post(importer, django_capture_on_commit_callbacks, {
        "file": _upload(good_csv), "mapping_name": "troika-canonical", "mode": "best_effort",
        "dry_run": "on",
    })

    job = SubscriberImport.objects.get()
    assert (job.state, job.dry_run, job.created_count) == ("done", True, 4)
    assert Member.objects.count() == 0


def test_an_uploaded_mapping_is_used_and_stored_with_the_run(
    importer, good_csv, django_capture_on_commit_callbacks
):
    mapping = SimpleUploadedFile("regional.json", (
        '{"fields": {"account_number": {"column": "account_number"}, "msisdn": {"column": '
        '"msisdn"}, "activation_date": {"column": "activation_date"}, "region": '
        '{"constant": "Huế"}}}').encode(), content_type="application/json")

    _post(importer, django_capture_on_commit_callbacks, {
        "file": _upload(good_csv), "mapping_name": "__upload__", "mapping_file": mapping,
        "mode": "best_effort",
    })

    job = SubscriberImport.objects.get()
    assert (job.state, job.mapping_name, job.mapping["fields"]["region"]) == (
        "done", "regional", {"constant": "Huế"})
    assert set(Member.objects.values_list("region", flat=True)) == {"Huế"}


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        pytest.param({"mapping_name": "__upload__"}, "mapping_file", "Upload the mapping JSON file.",
                     id="mapping-missing"),
        pytest.param({"mapping_name": "__upload__", "mapping_file": SimpleUploadedFile(
            "m.json", b'{"fields": {}}')}, "mapping_file",
            "fields: account_number, msisdn, activation_date must be mapped.", id="mapping-invalid"),
    ],
)
def test_a_bad_mapping_upload_is_refused_and_queues_nothing(importer, good_csv, extra, field, message):
    response = importer.post(reverse("members_import"), {
        "file": _upload(good_csv), "mode": "best_effort", **extra,
    })

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert SubscriberImport.objects.count() == 0


def test_a_file_of_unknown_format_is_refused(importer, tmp_path):
    path = tmp_path / "subscribers.xlsx"
    path.write_bytes(b"PK")

    response = importer.post(reverse("members_import"), {
        "file": _upload(path), "mapping_name": "troika-canonical", "mode": "best_effort",
    })

    assert response.context["form"].errors["file"] == [
        "Cannot tell the format of 'subscribers.xlsx': name it .csv or .jsonl, or give the format."]
    assert SubscriberImport.objects.count() == 0


def test_staff_without_the_add_member_permission_cannot_import(client, good_csv):
    login_with_mfa(client, staff_with_mfa("wagtailadmin.access_admin", "members.view_member"))

    form = client.get(reverse("members_import"))
    upload = client.post(reverse("members_import"), {
        "file": _upload(good_csv), "mapping_name": "troika-canonical", "mode": "best_effort",
    })

    # Wagtail answers a PermissionDenied in its admin with a redirect to the dashboard.
    assert (form.status_code, upload.status_code) == (302, 302)
    assert form["Location"] == upload["Location"] == reverse("wagtailadmin_home")
    assert SubscriberImport.objects.count() == 0
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "/admin/member-import/" not in home and "/admin/member/" in home


def test_a_subscriber_without_admin_access_is_refused(client, good_csv):
    client.force_login(UserFactory())

    response = client.post(reverse("members_import"), {
        "file": _upload(good_csv), "mapping_name": "troika-canonical", "mode": "best_effort",
    })

    assert response.status_code == 403
    assert SubscriberImport.objects.count() == 0


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("members_import"))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
