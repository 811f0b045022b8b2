"""The member portal's bundle builder (views and their URLs, included by ``cms.portal_urls``).

``/portal/bundles/`` shows the bundle the recommender sizes to the member's usage and segment,
with its reasons; the member adjusts each line and sees the price with their discounts change
live (HTMX asks ``bundles/price/`` for the price block; without JavaScript the "Update the
price" button posts the form and the page comes back priced). "Order" places the order once per
key made when the page was shown (a double click makes one order). "My bundles" lists the
orders with a "Return" button inside the return window. Views parse, authorise, call one
service, render; every quantity is checked by the quote before anything is written.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from club.members.selectors import member_for_user
from rewards.bundles.choices import OrderSource, OrderStatus
from rewards.bundles.selectors import bundle_orders_for_member
from rewards.bundles.services import (
    BundleErrorCode,
    BundleQuote,
    bundle_order_place,
    bundle_order_return,
    bundle_quote,
    bundle_recommendation_for_member,
)

QUANTITY_PREFIX = "q-"
ORDERS_SHOWN = 50
Code = BundleErrorCode

# The member's words for each refusal of an order or a return.
REFUSALS = {
    Code.MEMBER_INACTIVE: gettext_lazy("Your line is not active, so it cannot order a bundle."),
    Code.NOT_AVAILABLE: gettext_lazy("This bundle is not available at the moment."),
    Code.NOT_SUITED: gettext_lazy("This bundle is not available for your line."),
    Code.IDEMPOTENCY_CONFLICT: gettext_lazy(
        "This page was already used for another order. Check the bundle and order again."
    ),
    Code.INVALID_REQUEST: gettext_lazy("This page has expired. Check the bundle and order again."),
    Code.NOT_RETURNABLE: gettext_lazy("This bundle cannot be returned."),
    Code.WINDOW_CLOSED: gettext_lazy("The time to return this bundle is over."),
}


@dataclass(frozen=True)
class BuilderLine:
    """One adjustable line of the builder: its component's terms, the value shown, the
    recommender's reason and the problem with the member's value, if any."""

    code: str
    name: str
    unit_label: str
    min_quantity: int
    max_quantity: int
    step: int
    value: object
    reason: str = ""
    problem: str = ""

    @property
    def field_name(self) -> str:
        return QUANTITY_PREFIX + self.code


@dataclass(frozen=True)
class Requested:
    """The quantities a form asked for, and the problems found before any quote."""

    quantities: dict[str, object]
    problems: dict[str, str]


def _for_member(view):
    """Log in first; a login without a linked line goes to the linking page; the view gets the
    member."""

    @login_required
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        member = member_for_user(user=request.user)
        if member is None:
            return redirect("portal:link")
        return view(request, member, *args, **kwargs)

    return wrapped


def _template_id(data: QueryDict) -> int | None:
    raw = data.get("template", "")
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


def requested_quantities(data: QueryDict, names: dict[str, str]) -> Requested:
    """``q-<code>`` fields to whole numbers; ``names``: the template's codes and names. A code
    the template does not hold is passed on as is: the quote names it."""
    quantities: dict[str, object] = {}
    problems: dict[str, str] = {}
    for key in data:
        if not key.startswith(QUANTITY_PREFIX):
            continue
        code, raw = key.removeprefix(QUANTITY_PREFIX), data.get(key, "").strip()
        if code not in names:
            quantities[code] = raw
        elif raw.isdigit() and len(raw) < 10:
            quantities[code] = int(raw)
        else:
            problems[code] = _("%(name)s: enter a whole number (got “%(value)s”).") % {
                "name": names[code], "value": raw[:20],
            }
    return Requested(quantities, problems)


def _builder_lines(found, values: dict, problems: dict[str, str]) -> list[BuilderLine]:
    chosen = found.recommendation
    lines = []
    for line in chosen.template.lines:
        component = line.component
        choice = chosen.line(component.code)
        lines.append(
            BuilderLine(
                component.code, component.name, component.unit_label, component.min_quantity,
                component.max_quantity, component.step,
                values.get(component.code, choice.quantity if choice else line.default_quantity),
                choice.reason.text if choice else "", problems.get(component.code, ""),
            )
        )
    return lines


def _quote_problems(quote: BundleQuote) -> dict[str, str]:
    return {problem.code: problem.message for problem in quote.problems}


def _builder_page(request, member, *, template_id=None, data: QueryDict | None = None,
                  error: str = "", status: int = 200) -> HttpResponse:
    """The builder for the recommended template (or ``template_id``), with the member's own
    quantities when ``data`` holds them."""
    found = bundle_recommendation_for_member(member_id=member.pk, template_id=template_id)
    if found is None:
        if template_id is not None:
            raise Http404
        return render(request, "portal/bundles/builder.html", {"found": None, "section": "build"})
    quote, values, problems = found.quote, {}, {}
    if data is not None:
        names = {line.component.code: line.component.name for line in found.recommendation.template.lines}
        requested = requested_quantities(data, names)
        values, problems = requested.quantities, requested.problems
        if not problems:
            quote = bundle_quote(member_id=member.pk, template_id=found.recommendation.template.id,
                                 quantities=requested.quantities)
            problems = _quote_problems(quote)
        status = 400 if problems else status
    context = {
        "found": found,
        "template": found.recommendation.template,
        "lines": _builder_lines(found, values, problems),
        "quote": quote,
        "cap": found.recommendation.template.monthly_spending_cap,
        "problems": list(problems.values()),
        "error": error,
        "idempotency_key": uuid.uuid4().hex,
        "section": "build",
    }
    return render(request, "portal/bundles/builder.html", context, status=status)


@_for_member
def bundle_builder(request: HttpRequest, member) -> HttpResponse:
    """GET: the recommended bundle (``?template=<id>``: another one that suits the member).
    POST: ``action=price`` prices the member's quantities; ``action=order`` orders them."""
    if request.method == "GET":
        return _builder_page(request, member, template_id=_template_id(request.GET))
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    template_id = _template_id(request.POST)
    if template_id is None:
        raise Http404
    if request.POST.get("action") != "order":
        return _builder_page(request, member, template_id=template_id, data=request.POST)
    return _order(request, member, template_id)


def _order(request, member, template_id: int) -> HttpResponse:
    found = bundle_recommendation_for_member(member_id=member.pk, template_id=template_id)
    if found is None:  # not a template offered to this member
        raise Http404
    names = {line.component.code: line.component.name for line in found.recommendation.template.lines}
    requested = requested_quantities(request.POST, names)
    if requested.problems:
        return _builder_page(request, member, template_id=template_id, data=request.POST)
    result = bundle_order_place(
        member_id=member.pk,
        template_id=template_id,
        idempotency_key=request.POST.get("idempotency_key", ""),
        quantities=requested.quantities,
        source=OrderSource.PORTAL,
    )
    if result.error == Code.INVALID_QUANTITIES:
        return _builder_page(request, member, template_id=template_id, data=request.POST)
    if not result.is_success:
        return _builder_page(request, member, template_id=template_id, data=request.POST,
                             error=str(REFUSALS.get(result.error, REFUSALS[Code.NOT_AVAILABLE])), status=409)
    if not result.replayed:
        name = found.recommendation.template.name
        messages.success(request, _("Ordered: %(bundle)s. It is on its way to your line.") % {"bundle": name})
    return redirect("portal:my_bundles")


@require_GET
@_for_member
def bundle_price(request: HttpRequest, member) -> HttpResponse:
    """The price block for the quantities in the query (what HTMX swaps in as the member types)."""
    found = bundle_recommendation_for_member(member_id=member.pk, template_id=_template_id(request.GET))
    if found is None or _template_id(request.GET) is None:
        raise Http404
    names = {line.component.code: line.component.name for line in found.recommendation.template.lines}
    requested = requested_quantities(request.GET, names)
    quote, problems = found.quote, list(requested.problems.values())
    if not problems:
        quote = bundle_quote(member_id=member.pk, template_id=found.recommendation.template.id,
                             quantities=requested.quantities)
        problems = list(_quote_problems(quote).values()) or ([quote.message] if quote.error else [])
    # 200 even with problems: they are the block's content, and HTMX swaps in only 2xx answers
    cap = found.recommendation.template.monthly_spending_cap
    return render(request, "portal/bundles/_price.html", {"quote": quote, "problems": problems, "cap": cap})


@dataclass(frozen=True)
class OrderRow:
    order: object
    is_returnable: bool


def _order_rows(member_id: int) -> list[OrderRow]:
    now = timezone.now()
    orders = bundle_orders_for_member(member_id=member_id)[:ORDERS_SHOWN]
    return [
        OrderRow(order, order.status != OrderStatus.RETURNED and order.return_until is not None
                 and now <= order.return_until)
        for order in orders
    ]


@require_GET
@_for_member
def my_bundles(request: HttpRequest, member) -> HttpResponse:
    return render(request, "portal/bundles/mine.html", {"rows": _order_rows(member.pk), "section": "mine"})


@require_POST
@_for_member
def bundle_return(request: HttpRequest, member, order_id: int) -> HttpResponse:
    result = bundle_order_return(order_id=order_id, member_id=member.pk)
    if result.error == Code.ORDER_NOT_FOUND:
        raise Http404
    if not result.is_success:
        messages.error(request, REFUSALS[result.error])
    elif not result.already_returned:
        messages.success(request, _("Returned: the bundle is switched off and its price refunded in full."))
    return redirect("portal:my_bundles")


urlpatterns = [
    path("bundles/", bundle_builder, name="bundles"),
    path("bundles/price/", bundle_price, name="bundle_price"),
    path("bundles/mine/", my_bundles, name="my_bundles"),
    path("bundles/mine/<int:order_id>/return/", bundle_return, name="bundle_return"),
]
