"""``revenue_set``: the operator enters a co-branded service's revenue for a month."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .. import selectors
from ..compute import month_start
from ..models import CoPromotionRevenue, Statement, StatementState
from .errors import SettlementRefused
from .statements import statement_prepare

REVENUE_PERMISSION = "settlement.add_copromotionrevenue"


def _amount(value) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise SettlementRefused("bad_amount", _("The revenue must be a number.")) from None
    if not amount.is_finite() or amount < 0:
        raise SettlementRefused("bad_amount", _("The revenue must be zero or more."))
    if amount != amount.quantize(settings.OPERATOR_CURRENCY_QUANTUM):
        raise SettlementRefused(
            "bad_amount", _("The revenue has more decimals than the currency (%(currency)s) has.")
            % {"currency": settings.OPERATOR_CURRENCY},
        )
    return amount


def revenue_set(
    *, copromotion_id: int, month: dt.date, revenue, user_id: int, note: str = ""
) -> CoPromotionRevenue:
    """Record (or correct) the month's revenue of a co-branded service. Refused once that
    partner's statement for the month is approved or issued; a draft is recomputed at once."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None or not user.is_active or not user.is_staff or not user.has_perm(REVENUE_PERMISSION):
        raise SettlementRefused("not_allowed", _("Only the operator's finance staff may enter revenue."))
    amount = _amount(revenue)
    if not isinstance(month, dt.date):
        raise SettlementRefused("bad_month", _("The month must be a date."))
    period = month_start(month)
    partner_id = selectors.copromotion_partner_id(copromotion_id=copromotion_id)
    if partner_id is None:
        raise SettlementRefused("no_copromotion", _("There is no such co-promotion."))
    with transaction.atomic():
        statement = (
            Statement.objects.select_for_update().filter(partner_id=partner_id, period=period).first()
        )
        if statement is not None and statement.state != StatementState.DRAFT:
            raise SettlementRefused(
                "statement_closed",
                _("The statement for %(month)s is already approved or issued: its revenue can no longer "
                  "change.") % {"month": f"{period:%Y-%m}"},
            )
        entry, _created = CoPromotionRevenue.objects.update_or_create(
            copromotion_id=copromotion_id, period=period,
            defaults={"revenue": amount, "note": note[:200], "entered_by": user},
        )
        if statement is not None:
            statement_prepare(partner_id=partner_id, month=period)
    return entry
