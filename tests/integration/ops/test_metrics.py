"""/ops/metrics: who may scrape, what it says, that every process counts, and its cost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from campaigns.contact.services import RunSlice, contacts_reserve, deliveries_send
from club.profiles.models import PendingRefresh
from config.celery import app as celery_app
from rewards.billing.services import billing_events_ingest
from rewards.models import OperatorApiToken
from tests.factories import MemberFactory, UserFactory
from tests.integration.billing.helpers import bill
from tests.integration.contact.factories import AT, campaign, member, policy
from tests.mfa_login import login_with_mfa
from tests.partner_fixtures import totp_activate

pytestmark = pytest.mark.django_db
URL = "/ops/metrics"
TOKEN = "scrape-" + "x" * 40
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def _token(settings):
    settings.METRICS_TOKEN = TOKEN


def scrape(client, token=TOKEN) -> dict[tuple[str, tuple], float]:
    response = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def value(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0)


# --- who may scrape ----------------------------------------------------------------------

@pytest.mark.parametrize(
    "authorization",
    [pytest.param(None, id="nothing"), pytest.param("Bearer wrong-token", id="wrong-token"),
     pytest.param(f"Bearer {TOKEN}x", id="longer-token"), pytest.param(f"Basic {TOKEN}", id="basic")],
)
def test_without_the_token_the_answer_is_401_and_no_figure(client, authorization):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}

    response = client.get(URL, **headers)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert b"troika_" not in response.content


def test_no_token_configured_means_no_token_is_accepted(client, settings):
    settings.METRICS_TOKEN = ""

    assert client.get(URL, HTTP_AUTHORIZATION="Bearer ").status_code == 401
    assert client.get(URL, HTTP_AUTHORIZATION="Bearer anything").status_code == 401


def test_a_logged_in_member_or_staff_user_is_refused(client):
    user = UserFactory()
    MemberFactory(user=user)
    client.force_login(user)
    assert client.get(URL).status_code == 403

    staff = UserFactory(is_staff=True)
    totp_activate(staff)
    login_with_mfa(client, staff)
    assert client.get(URL).status_code == 403


def test_a_superuser_with_mfa_may_read_them(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    totp_activate(admin)
    login_with_mfa(client, admin)

    response = client.get(URL)

    assert response.status_code == 200
    assert b"troika_metrics_source_up" in response.content
    assert response["Cache-Control"].startswith("max-age=0")


# --- what it says ------------------------------------------------------------------------

def test_billing_events_and_operator_api_requests_are_counted_after_commit(
    client, django_capture_on_commit_callbacks
):
    events_token = OperatorApiToken.issue(name="billing", scopes=["events"])[1]
    someone = MemberFactory()
    events = [bill(someone, "120000", event_id="M-1"), bill(someone, "-1", event_id="M-2"),
              bill(someone, "120000", event_id="M-1")]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/operator/v1/events", data=json.dumps({"events": events}),
                               content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {events_token}")
    client.post("/api/operator/v1/events", data="{}", content_type="application/json")  # no token

    assert response.status_code == 200
    samples = scrape(client)
    total = "troika_billing_events_total"
    assert [value(samples, total, source="api", outcome=o) for o in ("applied", "duplicate", "quarantined")] \
        == [1, 1, 1]
    assert value(samples, "troika_http_requests_total", area="operator_api", status="200") == 1
    assert value(samples, "troika_http_requests_total", area="operator_api", status="401") == 1


def test_a_batch_not_yet_committed_counts_nothing(client):
    someone = MemberFactory()

    # the test's transaction holds the batch: it is rolled back, never committed
    billing_events_ingest(events=[bill(someone, "120000", event_id="R-1")], source="api")

    assert value(scrape(client), "troika_billing_events_total", source="api", outcome="applied") == 0


def test_deliveries_queued_sent_failed_and_suppressions_by_reason(
    client, settings, django_capture_on_commit_callbacks
):
    policy()
    member(), member(consent_sms=False)
    c = campaign(send_portal=True, send_sms=True)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = contacts_reserve(slices=[RunSlice(campaign=c, occurrence="once")],
                                   id_from=0, id_to=10**9, at=AT)
    samples = scrape(client)
    assert value(samples, "troika_deliveries_total", channel="portal", status="queued") == 2
    assert value(samples, "troika_deliveries_total", channel="sms", status="queued") == 1
    assert value(samples, "troika_cap_suppressions_total", channel="sms", reason="no_channel_consent") == 1
    assert value(samples, "troika_deliveries_waiting") == 3

    settings.SMS_BACKEND = "tests.integration.contact.backends.FailingSmsBackend"
    with django_capture_on_commit_callbacks(execute=True):
        deliveries_send(delivery_ids=outcome[c.pk].delivery_ids, now=AT)

    samples = scrape(client)
    assert value(samples, "troika_deliveries_total", channel="portal", status="sent") == 2
    assert value(samples, "troika_deliveries_total", channel="sms", status="failed") == 1
    assert value(samples, "troika_deliveries_waiting") == 0


def test_a_scrape_costs_one_query_per_gauge(client, django_assert_num_queries):
    # the send backlog and the profile-refresh backlog; counters and queues are Redis reads
    with django_assert_num_queries(2):
        samples = scrape(client)
    assert ("troika_deliveries_waiting", ()) in samples
    assert ("troika_profile_refreshes_pending", ()) in samples


def test_the_profile_refresh_backlog_is_a_gauge(client):
    members = [MemberFactory() for _ in range(2)]
    PendingRefresh.objects.bulk_create([PendingRefresh(member=one) for one in [*members, members[0]]])

    assert value(scrape(client), "troika_profile_refreshes_pending") == 3


@pytest.mark.redis
def test_increments_from_other_processes_are_all_counted(client, settings):
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "import sys; settings.METRICS_COUNTERS_KEY = sys.argv[1]\n"
        "from config.counters import counter_add\n"
        "for _ in range(50): counter_add('http_requests', area='partner_api', status=200)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "REDIS_URL": settings.REDIS_URL}
    command = [sys.executable, "-c", code, settings.METRICS_COUNTERS_KEY]
    processes = [subprocess.Popen(command, cwd=REPO, env=env) for _ in range(3)]
    assert [p.wait(timeout=120) for p in processes] == [0, 0, 0]

    samples = scrape(client)

    assert value(samples, "troika_http_requests_total", area="partner_api", status="200") == 150
    assert value(samples, "troika_metrics_source_up", source="counters") == 1


@pytest.mark.redis
def test_queue_depth_is_read_from_the_broker(client, settings):
    queue = f"test-{uuid.uuid4().hex[:10]}"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = settings.REDIS_URL
    settings.METRICS_CELERY_QUEUES = [queue]
    saved = celery_app.conf.broker_url
    celery_app.conf.broker_url = settings.REDIS_URL
    celery_app._pool = None
    import redis

    broker = redis.Redis.from_url(settings.REDIS_URL)
    try:
        for priority in (None, None, 6):
            celery_app.send_task("ledger.points_clear_due", queue=queue, priority=priority)
        samples = scrape(client)
    finally:
        celery_app.conf.broker_url = saved
        celery_app._pool = None
        broker.delete(queue, *(f"{queue}\x06\x16{level}" for level in range(1, 10)))

    assert value(samples, "troika_celery_queue_length", queue=queue) == 3
    assert value(samples, "troika_metrics_source_up", source="celery") == 1


def test_a_source_that_fails_is_reported_and_the_rest_still_served(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there

    samples = scrape(client)

    assert value(samples, "troika_metrics_source_up", source="celery") == 0
    assert value(samples, "troika_metrics_source_up", source="database") == 1


def test_an_unreachable_redis_costs_one_time_out_then_none_for_a_while(settings, client):
    from config import counters

    settings.METRICS_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there

    client.get("/healthz")  # no counted path: nothing tried
    counters.counter_add("http_requests", area="partner_api", status=200)  # tried, failed, dropped
    paused_until = counters._paused_until[0]
    counters.counter_add("http_requests", area="partner_api", status=200)  # not tried

    assert paused_until > 0 and counters._paused_until[0] == paused_until
