"""The partner portal's API keys page (admins only): list, create, rotate, revoke.

A new key's secret is rendered once, in the answer to the POST that made it, and never again:
it is not stored, not put in the session, not logged.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from partners.organisations.access import partner_admin_required

from .forms import ApiKeyCreateForm
from .selectors import api_keys_for_partner
from .services.keys import (
    ApiKeyError,
    ApiKeyNotFound,
    CreatedKey,
    api_key_create,
    api_key_revoke,
    api_key_rotate,
)

TEMPLATE = "partners/portal/api_keys.html"


def _page(request: HttpRequest, *, form=None, created: CreatedKey | None = None, status: int = 200):
    partner_id = request.partner_user.partner_id
    context = {
        "keys": api_keys_for_partner(partner_id=partner_id),
        "form": form or ApiKeyCreateForm(),
        "created": created,
    }
    return render(request, TEMPLATE, context, status=status)


@partner_admin_required
def api_keys(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request)
    form = ApiKeyCreateForm(request.POST)
    if not form.is_valid():
        return _page(request, form=form, status=400)
    try:
        created = api_key_create(
            partner_id=request.partner_user.partner_id,
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            rate_limit_per_minute=form.cleaned_data["rate_limit_per_minute"],
            created_by=request.user,
        )
    except ApiKeyError as exc:
        form.add_error(None, str(exc))
        return _page(request, form=form, status=400)
    return _page(request, created=created)


def _key_id(raw) -> int | None:
    return int(raw) if str(raw).isdigit() else None


@require_POST
@partner_admin_required
def api_key_rotate_view(request: HttpRequest, key_id: str) -> HttpResponse:
    try:
        created = api_key_rotate(
            partner_id=request.partner_user.partner_id, key_id=_key_id(key_id), created_by=request.user
        )
    except ApiKeyNotFound as exc:
        raise Http404(str(exc)) from exc
    except ApiKeyError as exc:
        messages.error(request, str(exc))
        return redirect("partners:api_keys")
    return _page(request, created=created)


@require_POST
@partner_admin_required
def api_key_revoke_view(request: HttpRequest, key_id: str) -> HttpResponse:
    try:
        revoked = api_key_revoke(partner_id=request.partner_user.partner_id, key_id=_key_id(key_id))
    except ApiKeyNotFound as exc:
        raise Http404(str(exc)) from exc
    except ApiKeyError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Key %(prefix)s is revoked.") % {"prefix": revoked.display_prefix})
    return redirect("partners:api_keys")
