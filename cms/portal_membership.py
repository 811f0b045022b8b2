"""The member portal's club membership pages (views and their URLs, included by
``cms.portal_urls``): the membership and how to get it (earned by volume and tenure, or paid),
the start of a paid membership (a redirect to Stripe Checkout), the return pages, the Customer
Portal for card changes and cancellation, and the test-mode screens shown when no Stripe key
is configured (docs/membership.md)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from club.members.selectors import member_for_user
from club.membership.gateway import stripe_gateway
from club.membership.selectors import earned_progress, membership_of, membership_prices_live
from club.membership.services.checkout import (
    membership_checkout_start,
    membership_portal_start,
    membership_test_checkout_complete,
)


class SeeOther(HttpResponseRedirect):
    """303: the browser follows a POST's answer with a GET (to Stripe's page)."""

    status_code = 303


def _member_or_link(request: HttpRequest):
    member = member_for_user(user=request.user)
    return member, (None if member else redirect("portal:link"))


@login_required
@require_GET
def membership(request: HttpRequest) -> HttpResponse:
    member, gone = _member_or_link(request)
    if gone:
        return gone
    return render(request, "portal/membership/membership.html", {
        "membership": membership_of(member_id=member.pk),
        "progress": earned_progress(member=member, on=timezone.localdate()),
        "prices": membership_prices_live(),
        "test_mode": stripe_gateway().is_test_mode,
    })


@login_required
@require_POST
def membership_join(request: HttpRequest) -> HttpResponse:
    member, gone = _member_or_link(request)
    if gone:
        return gone
    try:
        price_id = int(request.POST.get("price", ""))
    except ValueError:
        price_id = 0
    result = membership_checkout_start(
        member_id=member.pk, price_id=price_id, email=request.user.email or "",
        success_url=request.build_absolute_uri(reverse("portal:membership_welcome")),
        cancel_url=request.build_absolute_uri(reverse("portal:membership_not_now")),
    )
    if not result.is_success:
        messages.error(request, result.error)
        return redirect("portal:membership")
    return SeeOther(result.url)


@login_required
@require_POST
def membership_manage(request: HttpRequest) -> HttpResponse:
    member, gone = _member_or_link(request)
    if gone:
        return gone
    result = membership_portal_start(
        member_id=member.pk, return_url=request.build_absolute_uri(reverse("portal:membership")),
    )
    if not result.is_success:
        messages.error(request, result.error)
        return redirect("portal:membership")
    return SeeOther(result.url)


@login_required
@require_GET
def membership_welcome(request: HttpRequest) -> HttpResponse:
    """Stripe's success page sends the member here; the membership shows once Stripe's event
    has arrived, usually within seconds."""
    member, gone = _member_or_link(request)
    if gone:
        return gone
    context = {"membership": membership_of(member_id=member.pk)}
    return render(request, "portal/membership/welcome.html", context)


@login_required
@require_GET
def membership_not_now(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/membership/not_now.html")


@login_required
def membership_test_checkout(request: HttpRequest) -> HttpResponse:
    """Test mode's stand-in for Stripe Checkout: says plainly that no money is taken; its button
    plays a paid checkout's events through the webhooks' processing."""
    member, gone = _member_or_link(request)
    if gone:
        return gone
    if not stripe_gateway().is_test_mode:
        return redirect("portal:membership")
    price_id = request.GET.get("price", "") or request.POST.get("price", "")
    if request.method == "POST":
        if membership_test_checkout_complete(member_id=member.pk, stripe_price_id=price_id):
            return redirect("portal:membership_welcome")
        messages.error(request, _("That membership price is not on offer."))
        return redirect("portal:membership")
    price = next((p for p in membership_prices_live() if p.stripe_price_id == price_id), None)
    return render(request, "portal/membership/test_checkout.html", {"price": price})


@login_required
@require_GET
def membership_test_portal(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/membership/test_portal.html")


urlpatterns = [
    path("membership/", membership, name="membership"),
    path("membership/join/", membership_join, name="membership_join"),
    path("membership/manage/", membership_manage, name="membership_manage"),
    path("membership/welcome/", membership_welcome, name="membership_welcome"),
    path("membership/not-now/", membership_not_now, name="membership_not_now"),
    path("membership/test-checkout/", membership_test_checkout, name="membership_test_checkout"),
    path("membership/test-portal/", membership_test_portal, name="membership_test_portal"),
]
