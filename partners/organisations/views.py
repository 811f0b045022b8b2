"""The partner portal's own pages: the dashboard and the team (docs/partners.md)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors
from .access import partner_user_required


@partner_user_required
def dashboard(request: HttpRequest) -> HttpResponse:
    summary = selectors.partner_summary(partner=request.partner_user.partner)
    return render(request, "partners/portal/dashboard.html", {"summary": summary})


@partner_user_required
def team(request: HttpRequest) -> HttpResponse:
    members = selectors.partner_team(partner=request.partner_user.partner)
    return render(request, "partners/portal/team.html", {"members": members})
