"""The member portal's rewards pages (views and their URLs, included by ``cms.portal_urls``).

Browse the catalogue (filter by kind and by what the member's points pay for), redeem through a
confirmation page whose form carries an idempotency key made when the page was shown (a double
submit redeems once and shows the same receipt), "My rewards" with voucher codes, and
cancellation inside the window. Views parse, authorise, call one service or selector, render.
"""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from club.members.selectors import member_for_user
from rewards.catalogue.member_api import STATUS_BY_ERROR  # the same HTTP status as the API
from rewards.catalogue.models import SHIPPED_KINDS, RedemptionState, RewardKind
from rewards.catalogue.selectors import member_redemptions, reward_catalogue_for
from rewards.catalogue.services import (
    CancelErrorCode,
    RedemptionErrorCode,
    redemption_cancel,
    redemption_create,
)
from rewards.ledger.reasons import CANCELLED_BY_MEMBER
from rewards.ledger.selectors import points_balance

REDEMPTIONS_PER_PAGE = 20

# The member's words for each refusal (the services' own messages are not translated).
REFUSALS = {
    RedemptionErrorCode.INSUFFICIENT_POINTS: gettext_lazy("You do not have enough points for this reward."),
    RedemptionErrorCode.OUT_OF_STOCK: gettext_lazy("Sorry, this reward is out of stock."),
    RedemptionErrorCode.LIMIT_REACHED: gettext_lazy(
        "You have already redeemed this reward as many times as allowed for now."
    ),
    RedemptionErrorCode.TIER_REQUIRED: gettext_lazy("This reward is for members of a higher tier."),
    RedemptionErrorCode.NOT_AVAILABLE: gettext_lazy("This reward is not available."),
    RedemptionErrorCode.ADDRESS_REQUIRED: gettext_lazy("This reward is shipped: give a delivery address."),
    RedemptionErrorCode.IDEMPOTENCY_CONFLICT: gettext_lazy(
        "This confirmation was already used for another request. Please start again."
    ),
    CancelErrorCode.WINDOW_CLOSED: gettext_lazy("The time to cancel this redemption is over."),
    CancelErrorCode.ALREADY_FULFILLED: gettext_lazy(
        "This reward was already delivered, so it cannot be cancelled."
    ),
    CancelErrorCode.ALREADY_APPLIED: gettext_lazy(
        "This reward is already on your line, so it cannot be cancelled."
    ),
}


class CatalogueFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        required=False,
        choices=[("", gettext_lazy("All kinds")), *RewardKind.choices],
        error_messages={"invalid_choice": gettext_lazy("Choose a kind from the list.")},
    )
    affordable = forms.BooleanField(label=gettext_lazy("Only what my points pay for"), required=False)


class RedeemForm(forms.Form):
    """The confirmation: a key made when the page is shown; an address for what is shipped."""

    idempotency_key = forms.CharField(
        widget=forms.HiddenInput,
        max_length=100,
        error_messages={
            "required": gettext_lazy("This confirmation has expired. Please confirm again."),
            "max_length": gettext_lazy("This confirmation has expired. Please confirm again."),
        },
    )

    def __init__(self, *args, shipped: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if shipped:
            self.fields.update(AddressFields().fields)

    def delivery_address(self) -> dict[str, str] | None:
        names = AddressFields.base_fields
        if "recipient" not in self.fields:
            return None
        return {name: self.cleaned_data.get(name, "") for name in names}


def _address_field(label, autocomplete: str, *, required: bool = True, kind: str = "text") -> forms.CharField:
    attrs = {"autocomplete": autocomplete, "type": kind}
    return forms.CharField(
        label=label, max_length=200, required=required, widget=forms.TextInput(attrs=attrs)
    )


class AddressFields(forms.Form):
    recipient = _address_field(gettext_lazy("Recipient"), "name")
    phone = _address_field(gettext_lazy("Phone"), "tel", kind="tel")
    line1 = _address_field(gettext_lazy("Address"), "address-line1")
    line2 = _address_field(gettext_lazy("Address (line 2)"), "address-line2", required=False)
    city = _address_field(gettext_lazy("City"), "address-level2")
    region = _address_field(gettext_lazy("Province"), "address-level1", required=False)
    postal_code = _address_field(gettext_lazy("Postal code"), "postal-code", required=False)


def _member(request: HttpRequest):
    return member_for_user(user=request.user)


def _catalogue_item(member_id: int, reward_id: int):
    """The reward as the member sees it, or None when it is not on offer."""
    found = reward_catalogue_for(member_id=member_id, reward_id=reward_id)
    return found[0] if found else None


@login_required
@require_GET
def rewards(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    if member is None:
        return redirect("portal:link")
    form = CatalogueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    items = reward_catalogue_for(
        member_id=member.pk,
        kind=filters.get("kind") or None,
        affordable_only=filters.get("affordable", False),
    )
    return render(
        request,
        "portal/rewards/catalogue.html",
        {
            "form": form,
            "items": items,
            "balance": points_balance(member_id=member.pk),
            "section": "catalogue",
        },
        status=200 if form.is_bound is False or form.is_valid() else 400,
    )


@login_required
def reward_redeem(request: HttpRequest, reward_id: int) -> HttpResponse:
    """GET: the confirmation page, with a fresh key. POST: redeem once per key."""
    member = _member(request)
    if member is None:
        return redirect("portal:link")
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    item = _catalogue_item(member.pk, reward_id)
    if request.method == "GET":
        if item is None:
            raise Http404
        form = RedeemForm(
            initial={"idempotency_key": uuid.uuid4().hex}, shipped=item.reward.kind in SHIPPED_KINDS
        )
        return _confirm_page(request, member, item, form)
    if item is None:
        return render(
            request,
            "portal/rewards/refused.html",
            {"message": REFUSALS[RedemptionErrorCode.NOT_AVAILABLE]},
            status=404,
        )
    form = RedeemForm(request.POST, shipped=item.reward.kind in SHIPPED_KINDS)
    if not form.is_valid():
        return _confirm_page(request, member, item, form, status=400)
    try:
        result = redemption_create(
            member_id=member.pk,
            reward_id=reward_id,
            idempotency_key=form.cleaned_data["idempotency_key"],
            delivery_address=form.delivery_address(),
        )
    except ValueError:
        form.add_error(None, _("Check the details and confirm again."))
        return _confirm_page(request, member, item, form, status=400)
    if not result.is_success:
        form.add_error(None, REFUSALS[result.error])
        return _confirm_page(request, member, item, form, status=STATUS_BY_ERROR[result.error])
    if not result.replayed:
        messages.success(request, _("Done: %(reward)s is yours.") % {"reward": item.reward.name})
    return redirect("portal:redemption", redemption_id=result.receipt.redemption_id)


def _confirm_page(request, member, item, form, status: int = 200) -> HttpResponse:
    balance = points_balance(member_id=member.pk)
    return render(
        request,
        "portal/rewards/confirm.html",
        {
            "item": item,
            "form": form,
            "balance": balance,
            "balance_after": balance.available - item.reward.points_cost,
            "section": "catalogue",
        },
        status=status,
    )


def _is_cancellable(redemption, now) -> bool:
    return (
        redemption.state == RedemptionState.CONFIRMED
        and redemption.cancel_deadline is not None
        and now <= redemption.cancel_deadline
    )


@login_required
@require_GET
def my_rewards(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    if member is None:
        return redirect("portal:link")
    page = Paginator(member_redemptions(member_id=member.pk), REDEMPTIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    now = timezone.now()
    rows = [(redemption, _is_cancellable(redemption, now)) for redemption in page]
    return render(request, "portal/rewards/my_rewards.html", {"page": page, "rows": rows, "section": "mine"})


@login_required
@require_GET
def redemption_detail(request: HttpRequest, redemption_id: int) -> HttpResponse:
    member = _member(request)
    if member is None:
        return redirect("portal:link")
    redemption = member_redemptions(member_id=member.pk).filter(pk=redemption_id).first()
    if redemption is None:
        raise Http404
    return render(
        request,
        "portal/rewards/receipt.html",
        {
            "redemption": redemption,
            "is_cancellable": _is_cancellable(redemption, timezone.now()),
            "balance": points_balance(member_id=member.pk),
            "section": "mine",
        },
    )


@login_required
@require_POST
def redemption_cancel_view(request: HttpRequest, redemption_id: int) -> HttpResponse:
    member = _member(request)
    if member is None:
        return redirect("portal:link")
    result = redemption_cancel(
        redemption_id=redemption_id, member_id=member.pk, reason=CANCELLED_BY_MEMBER
    )
    if result.error == CancelErrorCode.NOT_FOUND:
        raise Http404
    if not result.is_success:
        messages.error(request, REFUSALS[result.error])
    elif not result.already_cancelled:
        messages.success(request, _("Cancelled: your points are back."))
    return redirect("portal:redemption", redemption_id=redemption_id)


urlpatterns = [
    path("rewards/", rewards, name="rewards"),
    path("rewards/<int:reward_id>/redeem/", reward_redeem, name="reward_redeem"),
    path("rewards/mine/", my_rewards, name="my_rewards"),
    path("rewards/mine/<int:redemption_id>/", redemption_detail, name="redemption"),
    path("rewards/mine/<int:redemption_id>/cancel/", redemption_cancel_view, name="redemption_cancel"),
]
