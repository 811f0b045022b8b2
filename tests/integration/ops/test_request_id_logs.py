"""Request ids and structured logs (config/request_context.py, config/logs.py)."""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.functional import SimpleLazyObject

from config.logs import TroikaJsonFormatter, logging_config
from config.request_context import ContextFilter, RequestIdMiddleware
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

GENERATED = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def records(caplog):
    """The records of the test, passed through the filter every real handler has."""
    caplog.handler.addFilter(ContextFilter())
    caplog.set_level(logging.INFO)
    return caplog


@pytest.mark.parametrize(
    "incoming, echoed",
    [
        pytest.param("proxy-4f6a.77_b", True, id="sane"),
        pytest.param("a" * 64, True, id="64-characters"),
        pytest.param("short", False, id="too-short"),
        pytest.param("a" * 65, False, id="too-long"),
        pytest.param("abc def ghi", False, id="space"),
        pytest.param("abcdefgh\\nFAKE LOG", False, id="injection"),
        pytest.param("", False, id="empty"),
    ],
)
def test_an_incoming_request_id_is_kept_only_when_sane(client, incoming, echoed):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)

    returned = response["X-Request-ID"]
    if echoed:
        assert returned == incoming
    else:
        assert GENERATED.fullmatch(returned)


def test_two_requests_without_an_id_get_two_ids(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]

    assert GENERATED.fullmatch(first) and GENERATED.fullmatch(second) and first != second


def test_every_record_of_a_request_carries_its_id_and_the_request_line_its_figures(records):
    def view(request):
        logging.getLogger("rewards.somewhere").warning("inside the view")
        return HttpResponse(status=418)

    RequestIdMiddleware(view)(RequestFactory().get("/portal/x", HTTP_X_REQUEST_ID="req-12345678"))
    logging.getLogger("after").info("outside any request")

    inside, line, outside = records.records[-3:]
    assert (inside.message, inside.request_id) == ("inside the view", "req-12345678")
    assert inside.path == "/portal/x"
    assert line.name == "troika.request"
    assert (line.request_id, line.method, line.path, line.status) == ("req-12345678", "GET", "/portal/x", 418)
    assert line.duration_ms >= 0
    assert (outside.request_id, outside.path, outside.user_id) == (None, None, None)


def test_the_request_line_names_the_logged_in_user(client, records):
    user = UserFactory()
    MemberFactory(user=user)
    client.force_login(user)

    response = client.get("/portal/", HTTP_X_REQUEST_ID="portal-0001")

    assert response.status_code == 200
    line = [r for r in records.records if r.name == "troika.request"][-1]
    assert (line.request_id, line.user_id, line.status) == ("portal-0001", user.pk, 200)


def test_the_user_is_not_loaded_for_the_log_alone(records):
    request = RequestFactory().get("/api/partner/v1/x", HTTP_X_REQUEST_ID="lazy-user-01")
    request.user = SimpleLazyObject(lambda: pytest.fail("the log loaded the user"))

    RequestIdMiddleware(lambda request: HttpResponse())(request)

    line = [r for r in records.records if r.name == "troika.request"][-1]
    assert (line.path, line.user_id) == ("/api/partner/v1/x", None)


def test_a_json_line_holds_the_fields_an_operator_searches_by(records):
    RequestIdMiddleware(lambda request: HttpResponse(status=201))(
        RequestFactory().post("/api/x", HTTP_X_REQUEST_ID="json-line-01")
    )
    line = [r for r in records.records if r.name == "troika.request"][-1]

    body = json.loads(TroikaJsonFormatter().format(line))

    assert body["level"] == "INFO" and body["logger"] == "troika.request"
    assert body["message"] == "POST /api/x 201"
    assert (body["request_id"], body["path"], body["status"], body["method"]) == (
        "json-line-01", "/api/x", 201, "POST")
    assert body["user_id"] is None and isinstance(body["duration_ms"], float)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+\+00:00", body["time"])


def test_production_logs_json_and_development_text():
    json_config = logging_config(log_format="json", level="INFO")
    text_config = logging_config(log_format="text", level="DEBUG")

    assert json_config["handlers"]["console"]["formatter"] == "json"
    assert text_config["handlers"]["console"]["formatter"] == "text"
    assert json_config["handlers"]["console"]["filters"] == ["context"]
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        logging_config(log_format="xml", level="INFO")


def test_the_production_settings_write_json_lines():
    from tests.integration.test_settings_production import _manage

    result = _manage("shell", "-c", "import logging; logging.getLogger('troika.x').warning('hello %s', 1)")

    assert result.returncode == 0, result.stderr
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert (line["level"], line["logger"], line["message"], line["request_id"]) == (
        "WARNING", "troika.x", "hello 1", None)
