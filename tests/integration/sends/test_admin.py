"""The Sends screen: runs with their progress, pause / resume / cancel, the reach simulation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from campaigns.sends.models import ReachSimulation, RunStatus
from campaigns.sends.services import sends_tick
from tests.integration.members.factories_admin import staff_with_mfa
from tests.mfa_login import login_with_mfa

from .conftest import NOW, campaign, members, policy, run_of

pytestmark = pytest.mark.django_db(transaction=True)
ADMIN = "wagtailadmin.access_admin"


def refused(response) -> bool:
    """The admin's answer to a forbidden request: back to the dashboard with a message."""
    return response.status_code == 302 and response.url == reverse("wagtailadmin_home")


@pytest.fixture
def viewer(client):
    login_with_mfa(client, staff_with_mfa(ADMIN, "sends.view_run"))
    return client


@pytest.fixture
def operator(client):
    login_with_mfa(client, staff_with_mfa(ADMIN, "sends.view_run", "sends.change_run"))
    return client


@pytest.fixture
def running(no_lanes):
    policy()
    members(6)
    c = campaign(name="Black Friday")
    sends_tick(now=NOW)
    return run_of(c)


def test_the_runs_list_shows_each_run_with_its_progress(viewer):
    policy()
    members(5)
    campaign(name="Welcome pack")
    sends_tick(now=NOW)

    response = viewer.get(reverse("sends:index"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Welcome pack" in content and "100%" in content and "Done" in content


def test_a_running_run_shows_a_progress_bar_that_polls_itself(operator, running):
    page = operator.get(reverse("sends:inspect", args=[running.pk])).content.decode()
    fragment = operator.get(reverse("sends:progress", args=[running.pk])).content.decode()

    assert 'hx-trigger="every 2s"' in fragment and 'data-percent="0"' in fragment
    assert "js/htmx.min.js" in page and 'data-run-action="pause"' in page and "cdn" not in page.lower()


def test_pausing_and_resuming_from_the_admin(operator, running, no_lanes):
    pause = reverse("sends:control", args=[running.pk, "pause"])
    assert operator.post(pause).status_code == 302
    assert run_of(running.campaign).status == RunStatus.PAUSED
    page = operator.get(reverse("sends:inspect", args=[running.pk])).content.decode()
    assert 'data-run-action="resume"' in page and 'data-run-action="pause"' not in page

    no_lanes.release()
    operator.post(reverse("sends:control", args=[running.pk, "resume"]))

    run = run_of(running.campaign)
    assert run.status == RunStatus.DONE and run.delivered == 6
    done = operator.get(reverse("sends:progress", args=[running.pk])).content.decode()
    assert "hx-trigger" not in done and 'data-percent="100"' in done


def test_staff_who_may_only_look_cannot_pause_and_nothing_changes(viewer, running):
    response = viewer.post(reverse("sends:control", args=[running.pk, "pause"]))
    assert refused(response)
    assert run_of(running.campaign).status == RunStatus.RUNNING


def test_staff_without_the_view_permission_see_no_progress(client, running):
    login_with_mfa(client, staff_with_mfa(ADMIN))
    assert refused(client.get(reverse("sends:progress", args=[running.pk])))


def test_a_marketer_simulates_a_draft_campaigns_reach(client):
    policy()
    members(4)
    members(1, consent_marketing=False)
    draft = campaign(name="Spring offer", live=False)
    login_with_mfa(client, staff_with_mfa(ADMIN, "campaigns.change_campaign"))
    url = reverse("sends:reach", args=[draft.pk])

    assert client.get(url).status_code == 200
    assert client.post(url, {"at": ""}).status_code == 302
    page = client.get(url).content.decode()

    simulation = ReachSimulation.objects.get(campaign=draft)
    assert (simulation.status, simulation.delivered, simulation.suppressed) == (
        "done", 4, {"no_marketing_consent": 1})
    assert 'data-delivered>4<' in page and "No marketing consent: 1" in page


def test_staff_who_cannot_edit_campaigns_cannot_simulate(client):
    draft = campaign(live=False)
    login_with_mfa(client, staff_with_mfa(ADMIN, "sends.view_run"))
    assert refused(client.post(reverse("sends:reach", args=[draft.pk])))
    assert ReachSimulation.objects.count() == 0
