"""``bundle_order_place``: quote, order and the billing system's ``activate`` row, as one unit.

Once per idempotency key: a request whose key is taken is answered with the first order
(``replayed=True``) when it asks for the same thing, refused with ``idempotency_conflict``
when it does not. Concurrent requests of one member queue on the member's row (``FOR NO KEY
UPDATE``) and find the first order after it commits; another member's request with the same
key waits for the unique index and is refused. Any refusal writes nothing. Safe to call inside
the caller's own transaction (a campaign's offer acceptance): the insert runs in a savepoint.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from club.members.models import Member
from rewards.catalogue.services.values import idempotency_key_problem

from ..choices import OrderSource, OutboxAction
from ..models import BundleOrder, BundleOutbox, BundleTemplate
from .quote import MEMBER_FIELDS, bundle_price, template_load
from .results import BundleErrorCode, BundleOrderReceipt, BundleOrderResult, BundleQuote, Refused

Code = BundleErrorCode
SOURCE_REF_MAX_LENGTH = 120


def bundle_order_place(
    *,
    member_id: int,
    template_id: int,
    idempotency_key: str,
    quantities: dict[str, int] | None = None,
    extra_percent: Decimal | None = None,
    source: str,
    source_ref: str = "",
    at: dt.datetime | None = None,
) -> BundleOrderResult:
    """Order the bundle at today's price for the member (see ``bundle_quote``)."""
    problem = _request_problem(idempotency_key=idempotency_key, source=source, source_ref=source_ref)
    if problem:
        return BundleOrderResult(error=Code.INVALID_REQUEST, message=problem)
    fingerprint = order_fingerprint(
        member_id=member_id,
        template_id=template_id,
        quantities=quantities,
        extra_percent=extra_percent,
        source=source,
        source_ref=source_ref,
    )
    replay = _replay(idempotency_key, fingerprint)
    if replay is not None:
        return replay
    at = at or timezone.now()
    try:
        with transaction.atomic():
            member = (
                Member.objects.select_for_update(no_key=True)
                .only(*MEMBER_FIELDS)
                .filter(pk=member_id)
                .first()
            )
            replay = _replay(idempotency_key, fingerprint)  # this member's retry, committed meanwhile
            if replay is not None:
                return replay
            template = template_load(template_id=template_id)
            quote = bundle_price(
                member=member,
                member_id=member_id,
                template=template,
                template_id=template_id,
                quantities=quantities,
                extra_percent=extra_percent,
                on=timezone.localdate(at),
            )
            order = _order_insert(
                member=member,
                template=template,
                quote=quote,
                key=idempotency_key,
                fingerprint=fingerprint,
                source=source,
                source_ref=source_ref,
                at=at,
            )
            if order is None:  # another member's request took the key and has committed
                replay = _replay(idempotency_key, fingerprint)
                if replay is None:
                    raise IntegrityError(f"idempotency key {idempotency_key!r} taken by nothing visible")
                return replay
            _activate_row_insert(order=order, member=member, template=template, at=at)
    except Refused as refusal:
        return BundleOrderResult(error=refusal.code, message=refusal.message, problems=refusal.problems)
    return BundleOrderResult(order=receipt_of(order))


def order_fingerprint(
    *,
    member_id: int,
    template_id: int,
    quantities: Mapping | None,
    extra_percent: Decimal | None,
    source: str,
    source_ref: str,
) -> str:
    """A hash of what an order request asks for: the same key must come with the same request.
    No quantities and ``{}`` are the same; ``Decimal("10")`` and ``Decimal("10.00")`` too."""
    body = {
        "member": member_id,
        "template": template_id,
        "quantities": sorted((str(k), str(v)) for k, v in dict(quantities or {}).items()),
        "extra_percent": f"{Decimal(extra_percent).normalize():f}" if extra_percent is not None else None,
        "source": source,
        "source_ref": source_ref,
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def receipt_of(order: BundleOrder) -> BundleOrderReceipt:
    return BundleOrderReceipt(
        order_id=order.pk,
        member_id=order.member_id,
        template_id=order.template_id,
        status=order.status,
        currency=order.currency,
        list_price=order.list_price,
        total=order.total,
        placed_at=order.placed_at,
        return_until=order.return_until,
    )


def _request_problem(*, idempotency_key: object, source: object, source_ref: object) -> str | None:
    problem = idempotency_key_problem(idempotency_key)
    if problem:
        return _("The request cannot be used: %(problem)s.") % {"problem": problem}
    if source not in OrderSource.values:
        return _("Unknown order source “%(source)s”.") % {"source": source}
    if not isinstance(source_ref, str) or len(source_ref) > SOURCE_REF_MAX_LENGTH:
        return _("The source reference must be text of at most %(max)s characters.") % {
            "max": SOURCE_REF_MAX_LENGTH
        }
    return None


def _replay(key: str, fingerprint: str) -> BundleOrderResult | None:
    found = BundleOrder.objects.filter(idempotency_key=key).first()
    if found is None:
        return None
    if found.request_fingerprint != fingerprint:
        return BundleOrderResult(
            error=Code.IDEMPOTENCY_CONFLICT,
            message=_("This idempotency key was already used for a different order."),
        )
    return BundleOrderResult(order=receipt_of(found), replayed=True)


def _order_insert(
    *,
    member: Member,
    template: BundleTemplate,
    quote: BundleQuote,
    key: str,
    fingerprint: str,
    source: str,
    source_ref: str,
    at: dt.datetime,
) -> BundleOrder | None:
    """The order, or None (nothing written) when the key is taken."""
    window = template.return_window_days
    try:
        with transaction.atomic():
            return BundleOrder.objects.create(
                member=member,
                template=template,
                lines=[line.as_json() for line in quote.lines],
                prices=quote.prices_json(),
                list_price=quote.list_price,
                total=quote.total,
                currency=quote.currency,
                validity_days=template.validity_days,
                monthly_spending_cap=template.monthly_spending_cap,
                idempotency_key=key,
                request_fingerprint=fingerprint,
                source=source,
                source_ref=source_ref,
                placed_at=at,
                return_until=at + dt.timedelta(days=window) if window else None,
            )
    except IntegrityError:
        if not BundleOrder.objects.filter(idempotency_key=key).exists():
            raise
        return None


def outbox_payload(order: BundleOrder) -> dict:
    """What the billing system needs to switch the bundle on (or off) on the line."""
    return {
        "order_id": order.pk,
        "bundle": {"code": order.template.code, "name": order.template.name},
        "lines": [
            {"code": line["code"], "name": line["name"], "quantity": line["quantity"], "unit": line["unit"]}
            for line in order.lines
        ],
        "currency": order.currency,
        "total": str(order.total),
        "validity_days": order.validity_days,
        "monthly_spending_cap": str(order.monthly_spending_cap)
        if order.monthly_spending_cap is not None
        else None,
    }


def _activate_row_insert(
    *, order: BundleOrder, member: Member, template: BundleTemplate, at: dt.datetime
) -> None:
    order.template = template
    BundleOutbox.objects.create(
        order=order,
        member_id=member.pk,
        action=OutboxAction.ACTIVATE,
        msisdn=member.msisdn,
        account_number=member.account_number,
        payload=outbox_payload(order),
        created_at=at,
    )
