"""The only way a partner loads a statement: its own and issued, else 404."""

from __future__ import annotations

from django.http import HttpRequest

from partners.organisations.access import access_partner_object

from .models import Statement, StatementState


def access_statement_for_partner(request: HttpRequest, statement_id) -> Statement:
    """The logged-in partner's issued statement ``statement_id``; 404 for anything else (another
    partner's, a draft or an approved one, a malformed id). Call behind ``partner_user_required``."""
    queryset = Statement.objects.select_related("partner").filter(state=StatementState.ISSUED)
    return access_partner_object(request, queryset, statement_id)
