"""The partner API's errors: always ``{"error": {"code": ..., "message": ...}}`` with a stable
code, for the handlers' own refusals and for what ninja and Django answer (401, 403, 404, 405,
422, 429, 500)."""

from __future__ import annotations

import functools
import logging

from django.http import Http404, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

logger = logging.getLogger(__name__)


class ErrorBody(Schema):
    code: str
    message: str


class ErrorOut(Schema):
    error: ErrorBody


class ApiError(Exception):
    """A refusal a handler or the auth raises: status, stable code, message, extra headers."""

    def __init__(self, status: int, code: str, message, headers: dict[str, str] | None = None):
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = str(message)
        self.headers = headers or {}


def error_body(code: str, message) -> dict:
    return {"error": {"code": code, "message": str(message)}}


def error_response(status: int, code: str, message, headers: dict[str, str] | None = None) -> JsonResponse:
    response = JsonResponse(error_body(code, message), status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _validation_message(exc: ValidationError) -> tuple[str, str]:
    parts = []
    for error in exc.errors[:5]:
        location = ".".join(str(p) for p in error.get("loc", ()))
        if location.lower().startswith("header") and "idempotency" in location.lower():
            return "idempotency_key_required", str(
                _("The Idempotency-Key header is required: a unique value per operation, "
                  "sent again unchanged with every retry of it.")
            )
        parts.append(f"{location}: {error.get('msg', '')}")
    return "invalid_request", str(_("The request is not valid: %(errors)s.") % {"errors": "; ".join(parts)})


def install_error_handlers(api) -> None:
    @api.exception_handler(ApiError)
    def _api_error(request, exc: ApiError):
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request, exc):
        return error_response(
            401, "unauthenticated",
            _("Send a live API key of an active partner: Authorization: Bearer tpk_..."),
            {"WWW-Authenticate": 'Bearer realm="partner-api"'},
        )

    @api.exception_handler(ValidationError)
    def _invalid(request, exc: ValidationError):
        code, message = _validation_message(exc)
        return error_response(422, code, message)

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return error_response(404, "not_found", _("Not found."))

    @api.exception_handler(HttpError)
    def _http_error(request, exc: HttpError):
        if exc.status_code == 400:  # ninja could not parse the body
            return error_response(400, "invalid_json", _("The body is not a JSON object: %(detail)s.")
                                  % {"detail": exc})
        return error_response(exc.status_code, "http_error", str(exc))

    @api.exception_handler(Exception)
    def _server_error(request, exc):
        logger.exception("partner API: unexpected error on %s %s", request.method, request.path)
        return error_response(500, "server_error", _("Something went wrong on our side; retry later."))


def json_errors(view):
    """Wrap a ninja URL view: its plain-text 405 becomes the JSON error (keeping ``Allow``)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        is_json = response.get("Content-Type", "").startswith("application/json")
        if response.status_code == 405 and not is_json:
            allowed = response.get("Allow", "")
            return error_response(
                405, "method_not_allowed",
                _("Method %(method)s is not allowed here; allowed: %(allowed)s.")
                % {"method": request.method, "allowed": allowed},
                {"Allow": allowed},
            )
        return response

    return wrapped


def unknown_path(request, *args, **kwargs) -> HttpResponse:
    return error_response(404, "not_found", _("No such endpoint in the partner API."))


