"""POST /api/operator/v1/events: auth, limits, outcomes, OpenAPI."""

from __future__ import annotations

import json

import pytest

from rewards.billing.models import BillingEvent
from rewards.billing.services import MAX_BATCH
from rewards.models import OperatorApiToken

from .helpers import bill

pytestmark = pytest.mark.django_db
URL = "/api/operator/v1/events"


@pytest.fixture
def token(db):
    return OperatorApiToken.issue(name="billing", scopes=["events"])[1]


def post(client, body, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json", **headers)


def test_a_batch_is_applied_with_one_outcome_per_event(client, token, rules, member):
    events = [bill(member, "120000", event_id="B-1"), bill(member, "-1", event_id="B-2"),
              bill(member, "120000", event_id="B-1")]

    response = post(client, {"events": events}, token)

    assert response.status_code == 200
    body = response.json()
    assert body["counts"] == {"applied": 1, "duplicate": 1, "quarantined": 1, "waiting": 0}
    assert [r["outcome"] for r in body["results"]] == ["applied", "quarantined", "duplicate"]
    assert body["results"][1]["reason"] == "bad_amount"
    assert body["points_entries"] == 1


def test_json_numbers_are_exact_decimals(client, token, rules, member):
    event = json.dumps(bill(member, event_id="B-1")).replace('"120000"', "120000.0")
    raw = '{"events": [' + event + "]}"
    assert post(client, raw, token).status_code == 200
    assert BillingEvent.objects.get(event_id="B-1").amount == 120000


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param("not json", "not JSON", id="not-json"),
        pytest.param([1, 2], '{"events": [...]}', id="a-list"),
        pytest.param({"event": []}, '{"events": [...]}', id="no-events-key"),
        pytest.param({"events": "x"}, '{"events": [...]}', id="events-not-a-list"),
        pytest.param({"events": []}, "empty", id="empty"),
    ],
)
def test_a_body_that_is_not_a_batch_is_a_400(client, token, body, message):
    response = post(client, body, token)
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_more_than_ten_thousand_events_is_refused_whole(client, token, member):
    events = [{"event_id": f"e{i}"} for i in range(MAX_BATCH + 1)]
    response = post(client, {"events": events}, token)
    assert response.status_code == 413
    assert "at most 10,000" in response.json()["detail"]
    assert not BillingEvent.objects.exists()


@pytest.mark.parametrize("scopes", [None, ["quotes"], "revoked"], ids=["no-token", "wrong-scope", "revoked"])
def test_without_a_valid_events_token_nothing_happens(client, member, scopes):
    raw = None
    if scopes is not None:
        token, raw = OperatorApiToken.issue(name="x", scopes=["events"] if scopes == "revoked" else scopes)
        if scopes == "revoked":
            OperatorApiToken.objects.filter(pk=token.pk).update(revoked_at="2026-01-01T00:00:00Z")
    response = post(client, {"events": [bill(member)]}, raw or None)
    assert response.status_code == 401
    assert not BillingEvent.objects.exists()


def test_openapi_documents_the_batch(client):
    schema = client.get("/api/operator/v1/openapi.json").json()
    operation = schema["paths"]["/api/operator/v1/events"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["events"]["maxItems"] == MAX_BATCH
    assert "reverses" in body["properties"]["events"]["items"]["properties"]
    assert {"200", "400", "413"} <= set(operation["responses"])
