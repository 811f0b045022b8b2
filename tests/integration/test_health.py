import pytest

from config import health
from config.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_healthz_answers_200_with_each_check(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] == "ok"
    assert body["checks"]["broker"] in {"ok", "eager"}


def test_healthz_answers_503_and_names_the_failing_check(client, monkeypatch):
    def broken_cache() -> str:
        raise ConnectionError("cache refused the connection")

    monkeypatch.setitem(health.CHECKS, "cache", broken_cache)

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] == "error: ConnectionError: cache refused the connection"


@pytest.mark.redis
def test_healthz_reaches_a_real_redis_broker(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.broker_url = settings.REDIS_URL
    try:
        response = client.get("/healthz")
    finally:
        celery_app.conf.broker_url = settings.CELERY_BROKER_URL

    assert response.status_code == 200
    assert response.json()["checks"]["broker"] == "ok"


def test_healthz_reports_an_unreachable_broker(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    original = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/healthz")
    finally:
        celery_app.conf.broker_url = original

    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("error: ")
