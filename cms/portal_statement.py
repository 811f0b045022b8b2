"""The member portal's statement pages (views and their URLs, included by ``cms.portal_urls``).

The member's ledger entries, newest first, paginated, filtered by date range and kind, with the
totals of what the filters select, and the same entries as a streamed CSV file.
"""

from __future__ import annotations

import csv
import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from club.members.selectors import member_for_user
from rewards.ledger.models import EntryKind
from rewards.ledger.reasons import reason_text
from rewards.ledger.selectors import member_statement, member_statement_totals, points_balance

ENTRIES_PER_PAGE = 25
CSV_CHUNK = 2000
CSV_HEADER = ("date", "kind", "points", "reason")
# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class StatementFilterForm(forms.Form):
    date_from = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Enter the start date as YYYY-MM-DD.")},
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Enter the end date as YYYY-MM-DD.")},
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        required=False,
        choices=[("", gettext_lazy("All kinds")), *EntryKind.choices],
        error_messages={"invalid_choice": gettext_lazy("Choose a kind from the list.")},
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", gettext_lazy("The end date must be on or after the start date."))
        return cleaned

    def statement_filters(self) -> dict:
        """``member_statement``'s keyword filters: whole local days, the end day included."""
        start, end, kind = (self.cleaned_data.get(name) for name in ("date_from", "date_to", "kind"))
        return {
            "kinds": [kind] if kind else None,
            "since": _start_of(start) if start else None,
            "until": _start_of(end + dt.timedelta(days=1)) if end else None,
        }


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _filters_or_none(request: HttpRequest) -> tuple[StatementFilterForm, dict | None]:
    data = {name: request.GET[name] for name in ("date_from", "date_to", "kind") if name in request.GET}
    form = StatementFilterForm(data)
    return form, (form.statement_filters() if form.is_valid() else None)


@login_required
@require_GET
def statement(request: HttpRequest) -> HttpResponse:
    member = member_for_user(user=request.user)
    if member is None:
        return redirect("portal:link")
    form, filters = _filters_or_none(request)
    context = {"form": form, "balance": points_balance(member_id=member.pk)}
    if filters is None:
        return render(request, "portal/statement/statement.html", context, status=400)
    page = Paginator(member_statement(member_id=member.pk, **filters), ENTRIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = urlencode({name: value for name, value in form.data.items() if value})
    context |= {
        "page": page,
        "totals": member_statement_totals(member_id=member.pk, **filters),
        "query": f"{query}&" if query else "",
        "csv_query": query,
    }
    return render(request, "portal/statement/statement.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _safe_text(text: str) -> str:
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def _csv_rows(entries):
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    for created_at, kind, points, reason, code, values in entries.values_list(
        "created_at", "kind", "points", "reason", "reason_code", "reason_values"
    ).iterator(chunk_size=CSV_CHUNK):
        yield writer.writerow(
            (
                timezone.localtime(created_at).isoformat(timespec="seconds"),
                kind,
                int(points),
                _safe_text(reason_text(code, values, reason)),
            )
        )


@login_required
@require_GET
def statement_csv(request: HttpRequest) -> HttpResponse:
    member = member_for_user(user=request.user)
    if member is None:
        return redirect("portal:link")
    form, filters = _filters_or_none(request)
    if filters is None:
        problems = "; ".join(str(error) for errors in form.errors.values() for error in errors)
        return HttpResponse(problems, status=400, content_type="text/plain; charset=utf-8")
    entries = member_statement(member_id=member.pk, **filters)
    response = StreamingHttpResponse(_csv_rows(entries), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(form)}"'
    return response


def _filename(form: StatementFilterForm) -> str:
    """``points-statement[_<from>][_to_<to>][_<kind>].csv``: what the file holds, ASCII only."""
    parts = ["points-statement"]
    if start := form.cleaned_data.get("date_from"):
        parts.append(start.isoformat())
    if end := form.cleaned_data.get("date_to"):
        parts.append(f"to_{end.isoformat()}")
    if kind := form.cleaned_data.get("kind"):
        parts.append(kind)
    return "_".join(parts) + ".csv"


urlpatterns = [
    path("statement/", statement, name="statement"),
    path("statement.csv", statement_csv, name="statement_csv"),
]
