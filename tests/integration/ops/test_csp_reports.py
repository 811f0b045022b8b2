"""CSP violation reports (``POST /csp-report``, config/csp_reports.py) and the headers that point
browsers at it, with ``Permissions-Policy`` on every response."""

from __future__ import annotations

import json
import logging

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.integration.ops.test_metrics import TOKEN, _token, scrape, value  # noqa: F401

pytestmark = pytest.mark.django_db

URL = "/csp-report"
CSP_REPORT = {
    "csp-report": {
        "document-uri": "https://club.example/portal/statement/?month=2026-11#top",
        "referrer": "",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "original-policy": "default-src 'self'; report-uri /csp-report",
        "disposition": "enforce",
        "blocked-uri": "https://cdn.evil.example/x.js?session=secret",
        "line-number": 12,
        "source-file": "https://club.example/portal/statement/",
        "status-code": 200,
    }
}


def _reporting_api(*bodies: dict, other_type: bool = False) -> list[dict]:
    reports = [{"type": "csp-violation", "age": 10, "url": "https://club.example/", "user_agent": "Chrome",
                "body": body} for body in bodies]
    if other_type:
        reports.append({"type": "deprecation", "age": 1, "url": "https://club.example/", "body": {"id": "x"}})
    return reports


STYLE_BODY = {"documentURL": "https://club.example/rewards/", "blockedURL": "inline",
              "effectiveDirective": "style-src-attr", "disposition": "enforce", "lineNumber": 4,
              "sourceFile": "https://club.example/rewards/", "statusCode": 200}
FRAME_BODY = {"documentURL": "https://club.example/", "blockedURL": "https://frames.example/a?b=c",
              "effectiveDirective": "frame-ancestors", "disposition": "enforce"}


def _post(client, body, content_type, **extra):
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post(URL, data=data, content_type=content_type, **extra)


def _csp_lines(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "troika.csp"]


def test_every_response_names_the_report_endpoint_and_denies_browser_features(client):
    responses = {
        path: client.get(path)
        for path in ("/accounts/login/", "/healthz", "/no-such-page/", "/static/css/troika.css",
                     "/api/partner/v1/promotions")
    }

    assert reverse("csp_report") == settings.CSP_REPORT_URL == URL
    for path, response in responses.items():
        features = dict(item.split("=", 1) for item in response["Permissions-Policy"].split(", "))
        assert {name: features[name] for name in ("camera", "microphone", "geolocation", "payment")} == {
            "camera": "()", "microphone": "()", "geolocation": "()", "payment": "()"}, path
        assert features["fullscreen"] == "(self)", path
        assert response["Reporting-Endpoints"] == 'csp="/csp-report"', path
        policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
        assert (policy["report-uri"], policy["report-to"]) == ("/csp-report", "csp"), path


def test_a_report_uri_report_is_logged_without_query_strings_and_counted(caplog):
    client = Client(enforce_csrf_checks=True)  # no CSRF token, no login: a browser's report

    with caplog.at_level(logging.WARNING, logger="troika.csp"):
        response = _post(client, CSP_REPORT, "application/csp-report")

    assert response.status_code == 204
    [line] = _csp_lines(caplog)
    assert line.levelname == "WARNING"
    assert (line.csp_directive, line.csp_blocked, line.csp_document, line.csp_line, line.csp_disposition) == (
        "script-src-elem", "https://cdn.evil.example/x.js", "https://club.example/portal/statement/", 12,
        "enforce")
    assert "secret" not in line.getMessage() and "month" not in line.csp_document
    assert value(scrape(Client()), "troika_csp_violations_total", directive="script-src-elem") == 1


def test_a_reporting_api_batch_logs_and_counts_each_csp_violation_and_skips_other_types(caplog):
    with caplog.at_level(logging.WARNING, logger="troika.csp"):
        response = _post(Client(), _reporting_api(STYLE_BODY, FRAME_BODY, other_type=True),
                         "application/reports+json")

    assert response.status_code == 204
    assert [(line.csp_directive, line.csp_blocked) for line in _csp_lines(caplog)] == [
        ("style-src-attr", "inline"), ("frame-ancestors", "https://frames.example/a")]
    samples = scrape(Client())
    assert value(samples, "troika_csp_violations_total", directive="style-src-attr") == 1
    assert value(samples, "troika_csp_violations_total", directive="frame-ancestors") == 1


def test_an_unknown_directive_is_counted_as_other():
    body = {"csp-report": {**CSP_REPORT["csp-report"], "effective-directive": "made-up-src"}}

    assert _post(Client(), body, "application/csp-report").status_code == 204

    assert value(scrape(Client()), "troika_csp_violations_total", directive="other") == 1


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        pytest.param("{not json", "application/csp-report", id="not-json"),
        pytest.param(b"\xff\xfe", "application/csp-report", id="not-utf8"),
        pytest.param(CSP_REPORT, "application/json", id="other-content-type"),
        pytest.param(CSP_REPORT, "text/plain", id="text-plain"),
        pytest.param({"report": {}}, "application/csp-report", id="no-csp-report-key"),
        pytest.param([CSP_REPORT], "application/csp-report", id="a-list"),
        pytest.param({"csp-report": {"blocked-uri": "inline"}}, "application/csp-report", id="no-directive"),
        pytest.param({"csp-report": {"effective-directive": "x y; z", "violated-directive": ""}},
                     "application/csp-report", id="bad-directive"),
        pytest.param({"csp-report": {**CSP_REPORT["csp-report"], "blocked-uri": ["a"]}},
                     "application/csp-report", id="uri-not-a-string"),
        pytest.param({"csp-report": {**CSP_REPORT["csp-report"], "line-number": "12"}},
                     "application/csp-report", id="line-not-a-number"),
        pytest.param([], "application/reports+json", id="empty-batch"),
        pytest.param(CSP_REPORT, "application/reports+json", id="batch-not-a-list"),
        pytest.param(["x"], "application/reports+json", id="report-not-an-object"),
        pytest.param([{"type": "csp-violation", "body": "x"}], "application/reports+json",
                     id="body-not-object"),
        pytest.param([{"type": "csp-violation", "body": {"effectiveDirective": "img-src"}}] * 51,
                     "application/reports+json", id="too-many"),
    ],
)
def test_bad_input_is_400_with_a_message_and_records_nothing(caplog, body, content_type):
    with caplog.at_level(logging.WARNING, logger="troika.csp"):
        response = _post(Client(), body, content_type)

    assert response.status_code == 400
    assert response.json()["error"]
    assert _csp_lines(caplog) == []
    assert value(scrape(Client()), "troika_csp_violations_total", directive="script-src-elem") == 0


def test_an_oversized_report_is_413_and_records_nothing(caplog):
    padding = "x" * settings.CSP_REPORT_MAX_BYTES
    body = {"csp-report": {**CSP_REPORT["csp-report"], "original-policy": padding}}

    with caplog.at_level(logging.WARNING, logger="troika.csp"):
        response = _post(Client(), body, "application/csp-report")

    assert response.status_code == 413
    assert _csp_lines(caplog) == []


def test_only_post_is_accepted():
    assert Client().get(URL).status_code == 405


def test_reports_are_limited_per_client_address(settings):
    settings.TROIKA_RATE_LIMITS = {**settings.TROIKA_RATE_LIMITS, "csp_report": {"ip": (3, 60)}}

    first = [_post(Client(), CSP_REPORT, "application/csp-report", REMOTE_ADDR="10.1.1.1").status_code
             for _ in range(4)]
    other = _post(Client(), CSP_REPORT, "application/csp-report", REMOTE_ADDR="10.1.1.2").status_code

    assert first == [204, 204, 204, 429] and other == 204
    assert value(scrape(Client()), "troika_csp_violations_total", directive="script-src-elem") == 4
