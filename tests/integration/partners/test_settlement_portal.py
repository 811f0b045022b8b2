"""The partner's statements in its portal (list, detail, CSV, PDF): its own issued ones only,
another partner's or an unissued one answers 404; the exports carry the figures; the
operator's admin screens prepare, approve, issue and download."""

from __future__ import annotations

import base64
import csv
import io
import re
import zlib

import pytest
from django.urls import reverse

from partners.settlement.models import Statement, StatementState
from partners.settlement.services import revenue_set, statement_approve, statement_issue, statement_prepare
from tests.integration.members.factories_admin import staff_with_mfa
from tests.mfa_login import login_with_mfa
from tests.partner_fixtures import partner_login

from .copromotion_factories import partner_with_user
from .settlement_helpers import REVENUE_M, build_month

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance():
    return staff_with_mfa("settlement.approve_statement", "settlement.add_copromotionrevenue",
                          "settlement.view_statement", "settlement.view_copromotionrevenue",
                          "wagtailadmin.access_admin")


@pytest.fixture
def month():
    return build_month()


def issue(partner_id, period, finance) -> Statement:
    statement = statement_prepare(partner_id=partner_id, month=period).statement
    statement_approve(statement_id=statement.pk, user_id=finance.pk)
    return statement_issue(statement_id=statement.pk, user_id=finance.pk)


def pdf_text(content: bytes) -> str:
    """The strings drawn by every content stream (reportlab writes them ASCII85 + Flate encoded)."""
    chunks = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", content, re.S):
        data = match.group(1).strip()
        if data.endswith(b"~>"):
            data = base64.a85decode(data, adobe=True)
        try:
            data = zlib.decompress(data)
        except zlib.error:
            pass
        chunks.append(data.decode("latin-1"))
    return "".join(re.findall(r"\((.*?)\)\s*Tj", "\n".join(chunks)))


def test_exports_carry_the_lines_and_totals(month, finance, client):
    revenue_set(copromotion_id=month.voucher.pk, month=month.M, revenue=REVENUE_M, user_id=finance.pk)
    statement = issue(month.partner_user.partner_id, month.M, finance)
    partner_login(client, month.partner_user.user)

    csv_response = client.get(reverse("partners:statement_csv", args=[statement.pk]))
    pdf_response = client.get(reverse("partners:statement_pdf", args=[statement.pk]))

    assert csv_response.status_code == 200 and csv_response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(csv_response.content.decode())))
    assert rows[0] == ["Statement", statement.number]
    assert rows[2] == ["Month", f"{month.M:%Y-%m}"]
    body = [row for row in rows[6:] if len(row) == 6 and row[0] in {month.voucher.title, month.bonus.title}]
    assert [row[3:] for row in body] == [
        ["3", "10000", "30000"], ["2", "2000", "4000"], ["400", "15", "6000"], ["3000004", "12.5", "375001"],
        ["-1", "10000", "-10000"], ["-1", "2000", "-2000"], ["-200", "15", "-3000"],
    ]
    assert body[4][2] == f"{month.S:%Y-%m}"
    assert rows[-4:] == [["Funding", "", "", "", "", "40000"], ["Revenue share", "", "", "", "", "375001"],
                         ["Adjustments", "", "", "", "", "-15000"], ["Net amount", "", "", "", "", "400001"]]

    assert pdf_response.status_code == 200 and pdf_response["Content-Type"] == "application/pdf"
    assert pdf_response.content.startswith(b"%PDF-") and pdf_response.content.rstrip().endswith(b"%%EOF")
    text = pdf_text(pdf_response.content)
    for figure in ("400,001", "375,001", "-15,000", "40,000", statement.number, month.voucher.title):
        assert figure in text, figure
    print(f"settlement exports: csv {len(rows)} rows, pdf {len(pdf_response.content)} bytes, "
          "net 400,001 in both")


def test_the_partner_sees_only_its_own_issued_statements(month, finance, client):
    other_user = partner_with_user("Gadgetland")
    mine = issue(month.partner_user.partner_id, month.M, finance)
    draft = statement_prepare(partner_id=month.partner_user.partner_id, month=month.S).statement
    theirs = issue(other_user.partner_id, month.M, finance)
    partner_login(client, month.partner_user.user)

    listing = client.get(reverse("partners:statements"))
    assert listing.status_code == 200
    assert list(listing.context["statements"]) == [mine]
    assert client.get(reverse("partners:statement", args=[mine.pk])).status_code == 200

    before = list(Statement.objects.order_by("pk").values_list("pk", "state", "net_total"))
    probes = 0
    for statement in (theirs, draft):
        for name in ("partners:statement", "partners:statement_csv", "partners:statement_pdf"):
            for method in ("get", "post"):
                response = getattr(client, method)(reverse(name, args=[statement.pk]))
                assert response.status_code in {404, 405}, (name, method, response.status_code)
                assert response.status_code == 404 or method == "post"
                probes += 1
    assert client.get("/partners/statements/999999/").status_code == 404
    assert list(Statement.objects.order_by("pk").values_list("pk", "state", "net_total")) == before
    print(f"settlement portal scoping: {probes} probes of another partner's or an unissued statement, "
          "0 leaks, 0 changes")


def test_operator_staff_are_not_let_into_the_partner_pages(month, finance, client):
    statement = issue(month.partner_user.partner_id, month.M, finance)
    login_with_mfa(client, finance)
    assert client.get(reverse("partners:statement", args=[statement.pk])).status_code == 403


def test_the_admin_prepares_approves_issues_and_downloads(month, finance, client):
    login_with_mfa(client, finance)
    index = client.get(reverse("settlement_statements:index"))
    assert index.status_code == 200

    response = client.post(
        reverse("settlement_statement_prepare"),
        {"partner": month.partner_user.partner_id, "month": f"{month.M:%Y-%m}"},
    )
    statement = Statement.objects.get(partner_id=month.partner_user.partner_id, period=month.M)
    assert response.status_code == 302 and statement.state == StatementState.DRAFT
    inspect = client.get(reverse("settlement_statements:inspect", args=[statement.pk]))
    assert inspect.status_code == 200 and b"data-statement-lines" in inspect.content

    client.post(reverse("settlement_statement_approve", args=[statement.pk]))
    client.post(reverse("settlement_statement_issue", args=[statement.pk]))
    statement.refresh_from_db()
    assert statement.state == StatementState.ISSUED and statement.issued_by_id == finance.pk

    pdf = client.get(reverse("settlement_statement_download", args=[statement.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert client.get(reverse("settlement_statement_download", args=[statement.pk, "xls"])).status_code == 404

    revenue = client.post(
        reverse("settlement_revenue_enter"),
        {"copromotion": month.voucher.pk, "month": f"{month.M:%Y-%m}", "revenue": "5", "note": ""},
    )
    assert revenue.status_code == 200  # refused: the month's statement is issued
    assert "already approved or issued" in revenue.content.decode()


def test_the_admin_refuses_staff_without_the_right(month, client):
    clerk = staff_with_mfa("wagtailadmin.access_admin")
    statement = statement_prepare(partner_id=month.partner_user.partner_id, month=month.M).statement
    login_with_mfa(client, clerk)

    # Wagtail answers a PermissionDenied in its admin with a redirect to the dashboard
    home = reverse("wagtailadmin_home")
    refused_approve = client.post(reverse("settlement_statement_approve", args=[statement.pk]))
    refused_prepare = client.post(
        reverse("settlement_statement_prepare"),
        {"partner": month.partner_user.partner_id, "month": f"{month.N:%Y-%m}"},
    )
    assert (refused_approve.status_code, refused_approve.url) == (302, home)
    assert (refused_prepare.status_code, refused_prepare.url) == (302, home)
    assert not Statement.objects.filter(period=month.N).exists()
    statement.refresh_from_db()
    assert statement.state == StatementState.DRAFT and statement.approved_at is None
