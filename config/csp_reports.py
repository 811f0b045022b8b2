"""``POST /csp-report``: the browsers' reports of what the Content-Security-Policy blocked.

Both formats browsers send: ``application/csp-report`` (the policy's ``report-uri``, one
violation) and ``application/reports+json`` (the Reporting API, the policy's ``report-to`` and
the ``Reporting-Endpoints`` header: a list of reports, of which only ``csp-violation`` ones are
read). Anyone's browser may send one, so the endpoint needs no login and no CSRF token, and it
trusts nothing: at most ``CSP_REPORT_MAX_BYTES`` (else 413), a shape checked field by field
(else 400), ``TROIKA_RATE_LIMITS["csp_report"]`` reports per client address (else 429). Each
violation becomes one warning on the logger ``troika.csp`` (URLs without their query string or
fragment, which may carry tokens) and one ``troika_csp_violations_total{directive}`` in
``/ops/metrics``. See docs/security.md.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from club.accounts.ratelimit import rate_limit_for, ratelimit_consume
from config.counters import counter_add_soon

logger = logging.getLogger("troika.csp")

CSP_REPORT = "application/csp-report"
REPORTS_JSON = "application/reports+json"
MAX_FIELD_CHARS = 300
MAX_REPORTS = 50
DIRECTIVE = re.compile(r"[a-z][a-z-]{0,39}")
# The metric's label takes one of these (the directives of CSP level 3); any other is "other".
KNOWN_DIRECTIVES = frozenset({
    "default-src", "script-src", "script-src-elem", "script-src-attr", "style-src", "style-src-elem",
    "style-src-attr", "img-src", "font-src", "connect-src", "media-src", "object-src", "frame-src",
    "child-src", "worker-src", "manifest-src", "base-uri", "form-action", "frame-ancestors",
    "navigate-to", "require-trusted-types-for", "trusted-types",
})
# The field names of each format: (directive, violated directive, blocked, document, source,
# line, disposition).
_CSP_REPORT_FIELDS = ("effective-directive", "violated-directive", "blocked-uri", "document-uri",
                      "source-file", "line-number", "disposition")
_REPORTING_API_FIELDS = ("effectiveDirective", None, "blockedURL", "documentURL", "sourceFile",
                         "lineNumber", "disposition")


class ReportRefused(ValueError):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class CspViolation:
    directive: str
    blocked: str
    document: str
    source_file: str
    line: int | None
    disposition: str


def _text(report: dict, field: str | None) -> str:
    value = report.get(field, "") if field else ""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ReportRefused(400, f"'{field}' must be a string.")
    return value[:MAX_FIELD_CHARS]


def _without_query(uri: str) -> str:
    """A URL without its query and fragment; keywords such as ``inline`` or ``eval`` as they are."""
    parts = urlsplit(uri)
    if not parts.scheme or not parts.netloc:
        return uri
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _violation(report, fields: tuple) -> CspViolation:
    if not isinstance(report, dict):
        raise ReportRefused(400, "A report must be a JSON object.")
    directive_field, violated_field, blocked, document, source, line_field, disposition = fields
    directive = _text(report, directive_field) or _text(report, violated_field).split(" ", 1)[0]
    if not DIRECTIVE.fullmatch(directive):
        raise ReportRefused(400, "The report names no directive.")
    line = report.get(line_field)
    if line is not None and (not isinstance(line, int) or isinstance(line, bool) or line < 0):
        raise ReportRefused(400, f"'{line_field}' must be a whole number.")
    return CspViolation(
        directive=directive, blocked=_without_query(_text(report, blocked)),
        document=_without_query(_text(report, document)), source_file=_without_query(_text(report, source)),
        line=line, disposition=_text(report, disposition),
    )


def csp_violations_parse(*, content_type: str, body: bytes) -> list[CspViolation]:
    """The violations in a report body, or ``ReportRefused`` (400) with what is wrong."""
    if content_type not in (CSP_REPORT, REPORTS_JSON):
        raise ReportRefused(400, f"Send {CSP_REPORT} or {REPORTS_JSON}.")
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ReportRefused(400, "The body is not JSON.") from exc
    if content_type == CSP_REPORT:
        if not isinstance(document, dict) or not isinstance(document.get("csp-report"), dict):
            raise ReportRefused(400, "Expected an object with a 'csp-report' object.")
        return [_violation(document["csp-report"], _CSP_REPORT_FIELDS)]
    if not isinstance(document, list) or not 1 <= len(document) <= MAX_REPORTS:
        raise ReportRefused(400, f"Expected a list of 1 to {MAX_REPORTS} reports.")
    if not all(isinstance(item, dict) and isinstance(item.get("type"), str) for item in document):
        raise ReportRefused(400, "Each report is an object with a 'type'.")
    return [
        _violation(item.get("body"), _REPORTING_API_FIELDS)
        for item in document if item["type"] == "csp-violation"
    ]


def csp_violations_record(violations: list[CspViolation]) -> None:
    for violation in violations:
        logger.warning(
            "CSP violation: %s blocked %s", violation.directive, violation.blocked or "(nothing named)",
            extra={f"csp_{name}": value for name, value in asdict(violation).items()},
        )
        label = violation.directive if violation.directive in KNOWN_DIRECTIVES else "other"
        counter_add_soon("csp_violations", directive=label)


def _body_within_limit(request: HttpRequest, limit: int) -> bytes:
    try:
        announced = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError as exc:
        raise ReportRefused(400, "Bad Content-Length.") from exc
    if announced > limit:
        raise ReportRefused(413, f"A report is at most {limit} bytes.")
    body = request.read(limit + 1)
    if len(body) > limit:
        raise ReportRefused(413, f"A report is at most {limit} bytes.")
    return body


@csrf_exempt
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    client = get_adapter(request).get_client_ip(request)
    try:
        if not ratelimit_consume(rate=rate_limit_for("csp_report", "ip"), subject=client):
            raise ReportRefused(429, "Too many reports from this address; try again later.")
        body = _body_within_limit(request, settings.CSP_REPORT_MAX_BYTES)
        violations = csp_violations_parse(content_type=request.content_type, body=body)
    except ReportRefused as refused:
        return JsonResponse({"error": str(refused)}, status=refused.status)
    csp_violations_record(violations)
    return HttpResponse(status=204)
