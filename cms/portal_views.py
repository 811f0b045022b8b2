"""The member portal: its logged-in area, and the unsubscribe pages an email links to (no
login: the signed token is the proof). Views parse, authorise, call one service, render."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from campaigns.offers.selectors import offer_card
from campaigns.offers.services import offer_accept_delivery, offers_show
from club.events.selectors import event_page, event_rsvp_panel
from club.events.services import rsvp_cancel, rsvp_create
from club.members.selectors import member_channel_consent, member_for_user
from club.members.services.consent import member_unsubscribe
from club.members.services.line_link import (
    LineLinkAlreadyLinked,
    LineLinkCodeAttemptsExhausted,
    LineLinkCodeExpired,
    LineLinkCodeUsed,
    LineLinkError,
    line_link_by_account,
    line_link_code_request,
    line_link_code_verify,
)
from club.members.unsubscribe import UnsubscribeTarget, UnsubscribeTokenInvalid, unsubscribe_token_read

from .forms import LinkByAccountForm, LinkCodeRequestForm, LinkCodeVerifyForm
from .portal_dashboard import dashboard_for_member, dashboard_member
from .portal_partner_codes import EXTRA_PAGES

# What the verify page shows about the pending request (never the code, never the full number).
_PENDING_SESSION_KEY = "portal.line_link.pending"


def _client_ip(request: HttpRequest) -> str:
    return get_adapter().get_client_ip(request)


def _linked_already(request: HttpRequest) -> HttpResponse | None:
    if member_for_user(user=request.user) is not None:
        messages.info(request, _("Your login is already linked to a line."))
        return redirect("portal:dashboard")
    return None


def _linked(request: HttpRequest, member) -> HttpResponse:
    request.session.pop(_PENDING_SESSION_KEY, None)
    messages.success(request, _("Your line %(msisdn)s is now linked.") % {"msisdn": member.msisdn})
    return redirect("portal:dashboard")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    snapshot = dashboard_member(user=request.user, now=now)
    if snapshot is None:
        return render(request, "portal/dashboard.html", {"member": None})
    member = snapshot.member
    offers = offers_show(member_id=member.pk, language=get_language())
    board = dashboard_for_member(snapshot=snapshot, now=now)
    return render(request, "portal/dashboard.html", {"member": member, "offers": offers, "board": board})


@login_required
@require_POST
def offer_accept(request: HttpRequest, delivery_id: int) -> HttpResponse:
    """Take an offer from the inbox in one click: the card itself is re-rendered for HTMX,
    the dashboard otherwise (or the offer's page, for a page offer)."""
    member = member_for_user(user=request.user)
    if member is None:
        raise Http404
    result = offer_accept_delivery(member_id=member.pk, delivery_id=delivery_id)
    if result.error == "not_offered":
        raise Http404
    if not result.is_success:
        messages.error(request, result.message)
    elif not result.replayed:
        messages.success(request, _("Offer taken."))
    card = offer_card(member_id=member.pk, delivery_id=delivery_id, language=get_language())
    if card and card.extra and card.extra.kind in EXTRA_PAGES and result.is_success and not request.htmx:
        return redirect(EXTRA_PAGES[card.extra.kind], card.extra.object_id)
    if card and card.page_url and result.is_success and not request.htmx:
        return redirect(card.page_url)
    if request.htmx and card is not None:
        return render(request, "portal/_offer_card.html", {"offer": card, "error": result.message})
    return redirect("portal:dashboard")


@require_POST
def event_rsvp(request: HttpRequest, event_id: int) -> HttpResponse:
    """RSVP to a club event from its page: the RSVP box is re-rendered for HTMX, the event's
    page (with a message) otherwise."""
    return _event_answer(request, event_id, rsvp_create)


@require_POST
def event_rsvp_cancel(request: HttpRequest, event_id: int) -> HttpResponse:
    return _event_answer(request, event_id, rsvp_cancel)


def _event_answer(request: HttpRequest, event_id: int, service) -> HttpResponse:
    event = event_page(event_id=event_id)
    if event is None:
        raise Http404
    url = event.get_url(request) or "/"
    if not request.user.is_authenticated:
        return redirect_to_login(url)
    member = member_for_user(user=request.user)
    if member is None:
        ok, message = False, _("Link your subscriber line to RSVP to club events.")
    else:
        result = service(event_id=event.pk, member_id=member.pk)
        ok, message = result.is_success, result.message
    if request.htmx:
        panel = event_rsvp_panel(event=event, member_id=member.pk if member else None, now=timezone.now())
        return render(request, "events/_rsvp_panel.html",
                      {"panel": panel, "event": event, "message": message, "is_error": not ok})
    (messages.success if ok else messages.error)(request, message)
    return redirect(url)


@login_required
def link_choose(request: HttpRequest) -> HttpResponse:
    if response := _linked_already(request):
        return response
    return render(request, "portal/link_choose.html")


@login_required
@require_http_methods(["GET", "POST"])
def link_code_request(request: HttpRequest) -> HttpResponse:
    if response := _linked_already(request):
        return response
    form = LinkCodeRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = line_link_code_request(
                user=request.user, msisdn=form.cleaned_data["msisdn"], client_ip=_client_ip(request)
            )
        except LineLinkError as exc:
            form.add_error(None, exc.message)
        else:
            request.session[_PENDING_SESSION_KEY] = {
                "msisdn_masked": sent.msisdn_masked,
                "valid_minutes": sent.valid_minutes,
            }
            return redirect("portal:link_code_verify")
    return render(request, "portal/link_code_request.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def link_code_verify(request: HttpRequest) -> HttpResponse:
    if response := _linked_already(request):
        return response
    pending = request.session.get(_PENDING_SESSION_KEY)
    if pending is None:
        return redirect("portal:link_code")
    form = LinkCodeVerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = line_link_code_verify(
                user=request.user, code=form.cleaned_data["code"], client_ip=_client_ip(request)
            )
        except LineLinkAlreadyLinked as exc:
            messages.info(request, exc.message)
            return redirect("portal:dashboard")
        except (LineLinkCodeAttemptsExhausted, LineLinkCodeExpired, LineLinkCodeUsed) as exc:
            # This code can link nothing any more: no field to type into, only a new code.
            request.session.pop(_PENDING_SESSION_KEY, None)
            return render(request, "portal/link_code_verify.html", {"spent": exc.message})
        except LineLinkError as exc:
            form.add_error("code", exc.message)
        else:
            return _linked(request, member)
    return render(request, "portal/link_code_verify.html", {"form": form, "pending": pending})


@login_required
@require_http_methods(["GET", "POST"])
def link_by_account(request: HttpRequest) -> HttpResponse:
    if response := _linked_already(request):
        return response
    form = LinkByAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = line_link_by_account(
                user=request.user,
                account_number=form.cleaned_data["account_number"],
                billing_detail=form.cleaned_data["billing_detail"],
                client_ip=_client_ip(request),
            )
        except LineLinkAlreadyLinked as exc:
            messages.info(request, exc.message)
            return redirect("portal:dashboard")
        except LineLinkError as exc:
            form.add_error(None, exc.message)
        else:
            return _linked(request, member)
    return render(request, "portal/link_by_account.html", {"form": form})


def _unsubscribe_target(token: str) -> UnsubscribeTarget | None:
    try:
        return unsubscribe_token_read(token=token)
    except UnsubscribeTokenInvalid:
        return None


def _unsubscribe_invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/unsubscribe_invalid.html", status=400)


@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """An email's unsubscribe link, no login needed. GET only shows the button (mail scanners
    open links); the POST withdraws the consent, idempotently."""
    target = _unsubscribe_target(token)
    if target is None:
        return _unsubscribe_invalid(request)
    context = {"operator_name": settings.OPERATOR_NAME}
    if request.method == "POST":
        member_unsubscribe(member_id=target.member_id, channel=target.channel)
        return render(request, "portal/unsubscribed.html", context)
    if not member_channel_consent(member_id=target.member_id, channel=target.channel):
        return render(request, "portal/unsubscribed.html", context)
    return render(request, "portal/unsubscribe.html", context)


@csrf_exempt  # RFC 8058: the mailbox provider POSTs here without a session; the token is the proof
@require_http_methods(["GET", "POST"])
def unsubscribe_one_click(request: HttpRequest, token: str) -> HttpResponse:
    """The ``List-Unsubscribe`` URL: a POST unsubscribes at once; a GET (a person who opened
    the link) goes to the confirmation page and changes nothing."""
    target = _unsubscribe_target(token)
    if target is None:
        return _unsubscribe_invalid(request)
    if request.method == "GET":
        return redirect("portal:unsubscribe", token=token)
    member_unsubscribe(member_id=target.member_id, channel=target.channel)
    return render(request, "portal/unsubscribed.html", {"operator_name": settings.OPERATOR_NAME})
