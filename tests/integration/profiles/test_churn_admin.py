"""The churn admin: "Why is this member at risk" (its states, each factor in words, its link
from the member's detail) and the churn-risk distribution report; both staff-only and behind
their permissions."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from club.members.models import Member
from club.profiles.churn.services import churn_scores_refresh
from club.profiles.churn.texts import factor_text
from club.profiles.models import MemberProfile
from tests.factories import MemberFactory, UserFactory
from tests.integration.members.factories_admin import staff_with_mfa
from tests.mfa_login import login_with_mfa
from tests.unit.profiles.churn_rows import telco_like_rows, telco_row

from .churn_setup import AS_OF, active_model, fitted_on_rows, import_rows, profile_for

pytestmark = pytest.mark.django_db

REFUSED = (302, 403)  # Wagtail redirects a refused admin request to the dashboard with a message


@pytest.fixture(scope="module")
def fitted():
    return fitted_on_rows()


def _staff(*permissions):
    return staff_with_mfa("wagtailadmin.access_admin", *permissions)


@pytest.fixture
def risky(fitted):
    row = telco_row(7, tenure=2, contract="Month-to-month", internet="Fiber optic",
                    payment="Electronic check", charges="95.00", churn=True)
    member = import_rows([row])[row["customerID"]]
    profile_for(member, complaints_90d=2)
    active_model(fitted)
    churn_scores_refresh(on=AS_OF)
    return Member.objects.get(pk=member.pk)


def test_the_member_screen_explains_the_score_factor_by_factor(client, risky):
    login_with_mfa(client, _staff("profiles.view_memberprofile"))

    html = client.get(reverse("churn_member", args=[risky.pk])).content.decode()

    profile = MemberProfile.objects.get(member=risky)
    assert f'data-churn-score="{profile.churn_score:.4f}"' in html
    assert 'data-band="very_high"' in html and "Very high risk" in html
    assert f"a {round(profile.churn_score * 100)}% chance of leaving" in html
    assert "Member for 2 months" in html and "Contract or plan: Month-to-month" in html
    rows = re.findall(r'data-factor="([a-z_0-9]+)" data-raises="(true|false)"', html)
    assert [code for code, _raises in rows] == [item["code"] for item in profile.churn_factors]
    assert ("tenure_months", "true") in rows
    assert "Model version 1" in html and "held-out ROC AUC" in html


def test_factors_are_said_in_the_members_admin_language():
    with translation.override("en"):
        assert factor_text("complaints_90d", 1) == "1 complaint in the last 90 days"
        assert factor_text("complaints_90d", 3) == "3 complaints in the last 90 days"
        assert factor_text("online_security", False) == "No online security add-on"
        assert factor_text("online_security", None) == "Online security add-on: not known"
        assert factor_text("payment_plan", "prepaid") == "Payment plan: Prepaid"
        assert factor_text("data_trend", {"last_3m": 1200, "previous_3m": 34000}) == (
            "Data use: 1,200 MB in the last 3 months, 34,000 MB in the 3 months before")
        assert factor_text("a_new_code", 4) == "a_new_code: 4"


@pytest.mark.parametrize(("change", "state"), [
    ({"consent_profiling": False}, "no-consent"), ({"status": "churned"}, "left"), ({}, "not-scored"),
], ids=["no-consent", "left", "not-scored"])
def test_a_member_without_a_score_says_why(client, change, state):
    member = MemberFactory(**({"consent_profiling": True} | change))
    login_with_mfa(client, _staff("profiles.view_memberprofile"))

    html = client.get(reverse("churn_member", args=[member.pk])).content.decode()

    assert f'data-churn-state="{state}"' in html and "data-churn-factors" not in html


def test_the_member_detail_links_to_the_explanation(client, risky):
    login_with_mfa(client, _staff("members.view_member", "profiles.view_memberprofile"))
    html = client.get(reverse("member:inspect", args=[risky.pk])).content.decode()
    assert reverse("churn_member", args=[risky.pk]) in html and "Churn risk: " in html

    login_with_mfa(client, _staff("members.view_member"))
    html = client.get(reverse("member:inspect", args=[risky.pk])).content.decode()
    assert reverse("churn_member", args=[risky.pk]) not in html


def test_the_screens_are_staff_only_and_need_their_permissions(client, risky):
    member_url, report_url = reverse("churn_member", args=[risky.pk]), reverse("churn_report")
    assert client.get(member_url).status_code == 302  # to the login
    client.force_login(UserFactory())  # a subscriber's login
    assert client.get(member_url).status_code in REFUSED and client.get(report_url).status_code in REFUSED

    login_with_mfa(client, _staff())
    for url in (member_url, report_url):
        response = client.get(url)
        assert response.status_code in REFUSED and b"data-churn" not in response.content
    login_with_mfa(client, _staff("profiles.view_memberprofile"))
    assert client.get(member_url).status_code == 200 and client.get(report_url).status_code in REFUSED


def test_the_report_counts_members_per_band_and_segment_with_the_models_figures(client, fitted):
    members = list(import_rows(telco_like_rows(40, seed=12)).values())
    for member in members:
        profile_for(member)
    Member.objects.filter(pk__in=[m.pk for m in members[:10]]).update(segment="vip")
    Member.objects.filter(pk=members[-1].pk).update(consent_profiling=False)
    MemberFactory(status="churned")  # a line that has left is not counted
    model = active_model(fitted)
    churn_scores_refresh(on=AS_OF)
    login_with_mfa(client, _staff("profiles.view_churnmodel"))

    html = client.get(reverse("churn_report")).content.decode()

    scores = list(MemberProfile.objects.exclude(churn_score=None).values_list("churn_score", flat=True))
    expected = {"low": sum(s < 0.2 for s in scores), "medium": sum(0.2 <= s < 0.4 for s in scores),
                "high": sum(0.4 <= s < 0.6 for s in scores), "very_high": sum(s >= 0.6 for s in scores)}
    drawn = dict(re.findall(r'<g data-band="([a-z_]+)" data-members="(\d+)"', html))
    assert {band: int(count) for band, count in drawn.items()} == expected
    assert "39 members scored; 1 not scored" in html
    vip = re.search(r'<tr data-segment="vip">(.*?)</tr>', html).group(1)
    assert sum(int(n) for n in re.findall(r"<td>(\d+)</td>", vip)) == 10
    assert f"held-out ROC AUC {model.auc:.3f}" in html and f"on {model.training_rows} rows" in html
    assert html.count('class="churn-chart"') == 2 and "cdn" not in html.lower()
    assert "data-churn-calibration" in html and '<tr data-version="1">' in html


def test_the_report_without_a_model_says_how_to_fit_one(client):
    login_with_mfa(client, _staff("profiles.view_churnmodel"))
    html = client.get(reverse("churn_report")).content.decode()
    assert 'data-churn-model="none"' in html and "manage.py churn_fit" in html


def test_the_reports_menu_lists_the_report_for_those_who_may_read_it(client):
    login_with_mfa(client, _staff("profiles.view_churnmodel"))
    assert reverse("churn_report") in client.get(reverse("wagtailadmin_home")).content.decode()
    login_with_mfa(client, _staff("profiles.view_memberprofile"))
    assert reverse("churn_report") not in client.get(reverse("wagtailadmin_home")).content.decode()
