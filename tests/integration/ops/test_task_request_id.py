"""A task queued by a request logs, in a real Celery worker, the request id of that request."""

from __future__ import annotations

import json
import time

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from config.request_context import RequestIdMiddleware
from rewards.ledger.tasks import points_clear_due_task
from tests.reliability.celery_workers import Workers

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_a_worker_logs_the_id_of_the_request_that_queued_the_task(monkeypatch):
    monkeypatch.setenv("LOG_FORMAT", "json")
    workers = Workers(count=1, concurrency=1)

    def view(request):
        points_clear_due_task.delay()
        return HttpResponse()

    with workers.running():
        RequestIdMiddleware(view)(RequestFactory().post("/x", HTTP_X_REQUEST_ID="queued-by-req-1"))
        deadline = time.monotonic() + 60
        while "succeeded" not in workers.log_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        log = workers.log_text()

    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    about_task = [line for line in lines if line.get("task") == "ledger.points_clear_due"]
    assert about_task, log[-3000:]
    assert {line["request_id"] for line in about_task} == {"queued-by-req-1"}
