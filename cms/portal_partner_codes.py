"""The member portal's "My partner codes" (views and their URLs, included by ``cms.portal_urls``).

A member takes a co-promotion's code by accepting its offer on the dashboard (the offer card then
shows the code: ``campaigns.offers.extensions``, ``partners.copromotions.member_codes``). This page
lists every code the member took (partner, offer text in the member's language, state, dates);
one code's page is the member's own only: another member's code id is 404.
"""

from __future__ import annotations

import functools

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from club.members.selectors import member_for_user
from partners.copromotions.member_codes import (
    EXTENSION_NAME,
    access_partner_code_for_member,
    member_partner_codes,
)

# Where the portal shows what an offer extension gave (campaigns.offers.extensions.OfferExtra.kind).
EXTRA_PAGES = {EXTENSION_NAME: "portal:partner_code"}


def _for_member(view):
    @login_required
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        member = member_for_user(user=request.user)
        if member is None:
            return redirect("portal:link")
        return view(request, member, *args, **kwargs)

    return wrapped


@require_GET
@_for_member
def partner_codes(request: HttpRequest, member) -> HttpResponse:
    codes = member_partner_codes(member_id=member.pk, language=get_language())
    return render(request, "portal/partner_codes/list.html", {"codes": codes})


@require_GET
@_for_member
def partner_code(request: HttpRequest, member, code_id: int) -> HttpResponse:
    code = access_partner_code_for_member(member_id=member.pk, code_id=code_id, language=get_language())
    if code is None:
        raise Http404
    return render(request, "portal/partner_codes/detail.html", {"code": code})


urlpatterns = [
    path("partner-codes/", partner_codes, name="partner_codes"),
    path("partner-codes/<int:code_id>/", partner_code, name="partner_code"),
]
