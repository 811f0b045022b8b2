"""``bundle_quote``: a bundle priced for one member, with the member's discounts.

The list price is the lines' sum (``pricing``); the discounts are the discounts app's own quote
of that amount (``quote_discount``: the member's volume and tenure discounts under the schedule
that applies to their customer type, stacked as the schedule says), with a campaign's extra
percent on top as an offer line. Registered bill-offer sources (a "discount on the next bill"
campaign) are not applied: they are for bills, and an offer for a bundle passes its percent
here as ``extra_percent``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from club.members.models import Member, MemberStatus
from rewards.activity.selectors import member_rolling_spend
from rewards.discounts.choices import DiscountKind
from rewards.discounts.quote import percent_text, quote_discount
from rewards.discounts.selectors import discount_schedule_for_customer_type
from rewards.discounts.specs import DiscountRate

from ..choices import PlanFit
from ..models import BundleTemplate, BundleTemplateLine
from ..pricing import lines_price, list_price, quantities_resolve
from .results import BundleDiscount, BundleErrorCode, BundleQuote, Refused

Code = BundleErrorCode
HUNDRED = Decimal(100)
MEMBER_FIELDS = (
    "id",
    "msisdn",
    "account_number",
    "customer_type",
    "activation_date",
    "payment_plan",
    "status",
    "segment",
)


def bundle_quote(
    *,
    member_id: int,
    template_id: int,
    quantities: dict[str, int] | None = None,
    extra_percent: Decimal | None = None,
    on: dt.date | None = None,
) -> BundleQuote:
    """The bundle's lines and price for the member on ``on`` (default: today). A refusal is a
    quote with an ``error`` and a ``message`` (and ``problems``, one per bad quantity)."""
    on = on or timezone.localdate()
    member = Member.objects.only(*MEMBER_FIELDS).filter(pk=member_id).first()
    try:
        return bundle_price(
            member=member,
            member_id=member_id,
            template=template_load(template_id=template_id),
            template_id=template_id,
            quantities=quantities,
            extra_percent=extra_percent,
            on=on,
        )
    except Refused as refusal:
        return BundleQuote(
            member_id=member_id,
            template_id=template_id,
            on=on,
            error=refusal.code,
            message=refusal.message,
            problems=refusal.problems,
        )


def template_load(*, template_id: int) -> BundleTemplate | None:
    """The template with its lines and their components (three queries)."""
    lines = BundleTemplateLine.objects.select_related("component").order_by("sort_order", "id")
    return (
        BundleTemplate.objects.prefetch_related(Prefetch("lines", queryset=lines))
        .filter(pk=template_id)
        .first()
    )


def extra_percent_problem(extra_percent: object) -> str | None:
    if extra_percent is None:
        return None
    if isinstance(extra_percent, bool) or not isinstance(extra_percent, Decimal | int):
        return _("The extra discount must be a Decimal percentage.")
    value = Decimal(extra_percent)
    if not value.is_finite() or not 0 < value <= HUNDRED:
        return _("The extra discount must be above 0%% and at most 100%% (got %(value)s).") % {"value": value}
    if value != value.quantize(Decimal("0.01")):
        return _("The extra discount has at most two decimal places (got %(value)s).") % {"value": value}
    return None


def bundle_price(
    *,
    member: Member | None,
    member_id: int,
    template: BundleTemplate | None,
    template_id: int,
    quantities: Mapping[str, object] | None,
    extra_percent: Decimal | None,
    on: dt.date,
    rolling_spend: Decimal | None = None,
) -> BundleQuote:
    """The quote, or ``Refused``: the member must be active, the template live, suited to the
    member's payment plan, its components active, and the quantities allowed. ``rolling_spend``:
    the member's, when the caller has already read it (otherwise read here)."""
    if member is None:
        raise Refused(Code.MEMBER_NOT_FOUND, _("There is no such member."))
    if member.status != MemberStatus.ACTIVE:
        raise Refused(Code.MEMBER_INACTIVE, _("This line is not active, so it cannot order a bundle."))
    if template is None or not template.live:
        raise Refused(Code.NOT_AVAILABLE, _("This bundle is not available."))
    lines = template.template_lines()
    if not lines or not all(line.component.active for line in lines):
        raise Refused(Code.NOT_AVAILABLE, _("This bundle is not available at the moment."))
    if template.plan_fit not in (PlanFit.ANY, member.payment_plan):
        raise Refused(
            Code.NOT_SUITED,
            _("This bundle is for %(plan)s lines.") % {"plan": PlanFit(template.plan_fit).label.lower()},
        )
    problem = extra_percent_problem(extra_percent)
    if problem:
        raise Refused(Code.INVALID_EXTRA_PERCENT, problem)
    if quantities is not None and not isinstance(quantities, Mapping):
        raise Refused(Code.INVALID_QUANTITIES, _("Give the quantities per component code."))
    chosen, problems = quantities_resolve(lines=lines, quantities=quantities)
    if problems:
        raise Refused(Code.INVALID_QUANTITIES, " ".join(p.message for p in problems), tuple(problems))
    quantum: Decimal = settings.OPERATOR_CURRENCY_QUANTUM
    price = list_price(lines=chosen, quantum=quantum)
    offers = []
    if extra_percent is not None:
        percent = Decimal(extra_percent)
        offers.append(
            DiscountRate(
                DiscountKind.OFFER,
                percent,
                _("%(percent)s%% off with this offer") % {"percent": percent_text(percent)},
            )
        )
    discount = quote_discount(
        bill_amount=price,
        rolling_spend=(
            member_rolling_spend(member_id=member.pk, on=on) if rolling_spend is None else rolling_spend
        ),
        tenure_years=member.tenure_years(on),
        schedule=discount_schedule_for_customer_type(customer_type=member.customer_type, on=on),
        offers=offers,
    )
    return BundleQuote(
        member_id=member_id,
        template_id=template_id,
        on=on,
        currency=settings.OPERATOR_CURRENCY,
        lines=lines_price(lines=chosen, quantum=quantum),
        list_price=price,
        discounts=tuple(
            BundleDiscount(str(line.kind), line.percent, line.amount, line.reason) for line in discount.lines
        ),
        total_discount=discount.total_discount,
        total=discount.payable,
        note=discount.note,
    )
