"""The partner portal's statements: the list, one statement, its CSV and its PDF. Only issued
statements of the partner of the logged-in user (``access_statement_for_partner``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from partners.organisations.access import partner_user_required

from . import selectors
from .access import access_statement_for_partner
from .export import statement_csv, statement_filename, statement_pdf


@require_GET
@partner_user_required
def statement_list(request: HttpRequest) -> HttpResponse:
    statements = selectors.statements_issued_for_partner(partner_id=request.partner_user.partner_id)
    return render(request, "settlement/portal/statement_list.html", {"statements": statements})


@require_GET
@partner_user_required
def statement_detail(request: HttpRequest, statement_id: int) -> HttpResponse:
    statement = access_statement_for_partner(request, statement_id)
    lines = list(selectors.statement_lines(statement=statement))
    context = {"statement": statement, "lines": lines}
    return render(request, "settlement/portal/statement_detail.html", context)


def _download(content, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@partner_user_required
def statement_csv_download(request: HttpRequest, statement_id: int) -> HttpResponse:
    statement = access_statement_for_partner(request, statement_id)
    lines = list(selectors.statement_lines(statement=statement))
    return _download(
        statement_csv(statement, lines), content_type="text/csv; charset=utf-8",
        filename=statement_filename(statement, "csv"),
    )


@require_GET
@partner_user_required
def statement_pdf_download(request: HttpRequest, statement_id: int) -> HttpResponse:
    statement = access_statement_for_partner(request, statement_id)
    lines = list(selectors.statement_lines(statement=statement))
    return _download(
        statement_pdf(statement, lines), content_type="application/pdf",
        filename=statement_filename(statement, "pdf"),
    )
