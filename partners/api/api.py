"""The partner API (django-ninja), mounted at ``/api/partner/v1/``; OpenAPI at
``/api/partner/v1/openapi.json``, docs at ``/api/partner/v1/docs`` (docs/partners.md, "Partner API").

Handlers parse, authorise (``PartnerKey``: key, rate limit, scope), call one service and answer
JSON. Every query is scoped by the calling key's partner: another partner's ids are unknown ids.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.urls import re_path
from django.utils.translation import gettext_lazy as _
from ninja import Header, NinjaAPI

from . import domain
from .auth import PartnerKey
from .errors import ApiError, ErrorOut, install_error_handlers, json_errors, unknown_path
from .models import Scope
from .schemas import (
    CodeIn,
    PromotionDetailOut,
    PromotionOut,
    RedeemIn,
    RedemptionOut,
    ReversalOut,
    ReverseIn,
    ValidateOut,
)
from .services.idempotency import (
    MAX_KEY_LENGTH,
    IdempotencyConflict,
    idempotency_key_problem,
    idempotent_request_execute,
    request_fingerprint,
)

api = NinjaAPI(
    title="Troika partner API",
    version="1",
    urls_namespace="partner_api",
    description=(
        "For partner brands: validate and redeem the co-promotion codes members bring, reverse a "
        "redemption, read your co-promotions and their figures. Authenticate with "
        "`Authorization: Bearer tpk_...`. Errors are `{\"error\": {\"code\": ..., \"message\": ...}}`."
    ),
)
install_error_handlers(api)

COMMON_ERRORS = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 429: ErrorOut}
WITH_BODY_ERRORS = {400: ErrorOut, **COMMON_ERRORS}
IDEMPOTENCY_KEY_PATTERN = r"^[!-~]([ -~]*[!-~])?$"  # printable ASCII, no space at either end
IDEMPOTENCY_KEY_HELP = (
    "A unique value per operation (at most 255 printable ASCII characters), sent again unchanged "
    "with every retry of it: the same key and body get the same answer, another body gets 409."
)


def _json(status: int, body: dict, *, replayed: bool = False) -> JsonResponse:
    response = JsonResponse(body, status=status)
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def _idempotently(request, key: str, payload: dict, execute) -> JsonResponse:
    problem = idempotency_key_problem(key)
    if problem is not None:
        raise ApiError(
            422, "idempotency_key_required",
            _("The Idempotency-Key header is required: at most 255 printable ASCII characters."),
        )
    try:
        answer = idempotent_request_execute(
            partner_id=request.auth.partner_id,
            key=key,
            fingerprint=request_fingerprint(method=request.method, path=request.path, payload=payload),
            execute=execute,
        )
    except IdempotencyConflict as exc:
        raise ApiError(
            409, "idempotency_conflict",
            _("This Idempotency-Key was used for another request; use a new key for a new operation."),
        ) from exc
    return _json(answer.status, answer.body, replayed=answer.replayed)


@api.post(
    "/codes/validate",
    auth=PartnerKey(Scope.CODES_VALIDATE),
    response={200: ValidateOut, 404: ErrorOut, 409: ErrorOut, **WITH_BODY_ERRORS},
    summary="Check a code without redeeming it",
    tags=["codes"],
)
def codes_validate(request, payload: CodeIn):
    """200 when the code can be redeemed now; otherwise the error says why (``code_not_found``,
    ``code_not_issued``, ``code_already_redeemed``, ``promotion_not_running``, ``budget_exhausted``)."""
    answer = domain.validate(partner_id=request.auth.partner_id, code=payload.code)
    return _json(answer.status, answer.body)


@api.post(
    "/codes/redeem",
    auth=PartnerKey(Scope.CODES_REDEEM),
    response={200: RedemptionOut, 404: ErrorOut, 409: ErrorOut, **WITH_BODY_ERRORS},
    summary="Redeem a code (idempotent)",
    tags=["codes"],
)
def codes_redeem(
    request,
    payload: RedeemIn,
    idempotency_key: str = Header(
        ..., alias="Idempotency-Key", description=IDEMPOTENCY_KEY_HELP, max_length=MAX_KEY_LENGTH,
        pattern=IDEMPOTENCY_KEY_PATTERN,
    ),
):
    """Redeem once: a retry with the same ``Idempotency-Key`` and body answers what the first
    call answered (with ``Idempotent-Replayed: true``), whether or not you saw that answer."""
    partner_id = request.auth.partner_id
    return _idempotently(
        request, idempotency_key, payload.dict(),
        lambda: domain.redeem(partner_id=partner_id, code=payload.code, reference=payload.reference),
    )


@api.post(
    "/redemptions/{redemption_id}/reverse",
    auth=PartnerKey(Scope.CODES_REVERSE),
    response={200: ReversalOut, 404: ErrorOut, 409: ErrorOut, **WITH_BODY_ERRORS},
    summary="Reverse a redemption (idempotent)",
    tags=["codes"],
)
def redemption_reverse(
    request,
    redemption_id: int,
    payload: ReverseIn,
    idempotency_key: str = Header(
        ..., alias="Idempotency-Key", description=IDEMPOTENCY_KEY_HELP, max_length=MAX_KEY_LENGTH,
        pattern=IDEMPOTENCY_KEY_PATTERN,
    ),
):
    """Take a redemption back (the code can be redeemed again). Reversing a reversed redemption
    changes nothing and says ``already_reversed``."""
    partner_id = request.auth.partner_id
    return _idempotently(
        request, idempotency_key, payload.dict(),
        lambda: domain.reverse(
            partner_id=partner_id, redemption_id=redemption_id, reference=payload.reference
        ),
    )


@api.get(
    "/promotions",
    auth=PartnerKey(Scope.PROMOTIONS_READ),
    response={200: list[PromotionOut], **COMMON_ERRORS},
    summary="Your co-promotions",
    tags=["promotions"],
)
def promotions_list(request):
    return JsonResponse(domain.promotions(partner_id=request.auth.partner_id), safe=False)


@api.get(
    "/promotions/{promotion_id}",
    auth=PartnerKey(Scope.PROMOTIONS_READ),
    response={200: PromotionDetailOut, 404: ErrorOut, **COMMON_ERRORS},
    summary="One of your co-promotions with its figures (aggregates only)",
    tags=["promotions"],
)
def promotion_detail(request, promotion_id: int):
    found = domain.promotion(partner_id=request.auth.partner_id, promotion_id=promotion_id)
    if found is None:
        raise ApiError(404, "promotion_not_found", _("No such co-promotion."))
    return JsonResponse(found)


def _urlpatterns():
    patterns, _app_name, _namespace = api.urls
    for pattern in patterns:
        pattern.callback = json_errors(pattern.callback)
    return [*patterns, re_path(r"^.*$", unknown_path, name="unknown")]


urls = (_urlpatterns(), "partner_api", "partner_api")
