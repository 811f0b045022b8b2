"""``bundle_order_return``: the member gives a bundle back inside its return window.

One transaction with the order's row locked (so two returns, or a return and an
acknowledgement, queue): the ``deactivate`` row goes to the billing system's outbox (unique per
order and action) and the order becomes ``returned``. The activation is never withdrawn: the
billing system may have read it already, and it reads the outbox in id order, so it applies
the activation and then the deactivation. Returning a returned order answers success again and
changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..choices import OrderStatus, OutboxAction
from ..models import BundleOrder, BundleOutbox
from .order import outbox_payload
from .results import BundleErrorCode, BundleReturnResult, Refused

Code = BundleErrorCode


def bundle_order_return(
    *, order_id: int, member_id: int, at: dt.datetime | None = None
) -> BundleReturnResult:
    """Return the member's own order (another member's order is answered as not found)."""
    at = at or timezone.now()
    try:
        with transaction.atomic():
            order = (
                BundleOrder.objects.select_for_update(no_key=True, of=("self",))
                .select_related("template", "member")
                .filter(pk=order_id, member_id=member_id)
                .first()
            )
            if order is None:
                raise Refused(Code.ORDER_NOT_FOUND, _("There is no such bundle order."))
            if order.status == OrderStatus.RETURNED:
                return BundleReturnResult(order.pk, order.status, already_returned=True)
            if order.return_until is None:
                raise Refused(Code.NOT_RETURNABLE, _("This bundle cannot be returned."))
            if at > order.return_until:
                raise Refused(Code.WINDOW_CLOSED, _("The time to return this bundle is over."))
            BundleOutbox.objects.create(
                order=order,
                member_id=order.member_id,
                action=OutboxAction.DEACTIVATE,
                msisdn=order.member.msisdn,
                account_number=order.member.account_number,
                payload={**outbox_payload(order), "returned_at": at.isoformat()},
                created_at=at,
            )
            BundleOrder.objects.filter(pk=order.pk).exclude(status=OrderStatus.RETURNED).update(
                status=OrderStatus.RETURNED, returned_at=at
            )
    except Refused as refusal:
        return BundleReturnResult(order_id, error=refusal.code, message=refusal.message)
    return BundleReturnResult(order_id, OrderStatus.RETURNED)
