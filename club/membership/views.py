"""The Stripe webhook endpoint (wired in ``config/urls.py``). Parse, call one service, answer."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .services import InvalidStripeEvent, stripe_webhook_receive


@csrf_exempt  # Stripe cannot hold a CSRF token: the signature on the raw body is the proof
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    try:
        receipt = stripe_webhook_receive(
            payload=request.body, signature=request.headers.get("Stripe-Signature", "")
        )
    except InvalidStripeEvent as error:
        return JsonResponse({"error": str(error)}, status=400)
    # recorded: the drain applies it (a Celery task queued once the insert commits)
    return JsonResponse(
        {"id": receipt.event_id, "duplicate": receipt.duplicate, "outcome": receipt.outcome or "pending"},
        status=200,
    )
