"""The segment admin: the rule editor and its live count, the member's segment screen, the
distribution report with its CSV; staff only, each behind its permission."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from club.members.models import Member, PaymentPlan, Segment
from club.profiles.admin.segment_rules import THRESHOLD_FIELDS
from club.profiles.models import SegmentOverride, SegmentRuleSet
from club.profiles.segments.services import segment_override_set, segments_classify
from tests.factories import UserFactory
from tests.integration.members.factories_admin import staff_with_mfa
from tests.mfa_login import login_with_mfa

from .helpers import ON, member_with_profile

pytestmark = pytest.mark.django_db

# Resolved at import, before the test database is created: loading the admin URLs registers
# the snippet viewsets, so that migrate creates the rule set's publish permission.
RULES_URL = reverse("segment_rules:list")
DENIED = (302, 403)  # the admin turns a refusal into a redirect to its home page

ACCESS = "wagtailadmin.access_admin"
RULES_PERMISSIONS = (ACCESS, "profiles.change_segmentruleset", "profiles.publish_segmentruleset")
OVERRIDE_PERMISSIONS = (ACCESS, "members.view_member", "profiles.view_segmentoverride",
                        "profiles.add_segmentoverride")


def _form_data(rules: SegmentRuleSet, **changes) -> dict:
    data = {name: value for name, value in model_to_dict(rules, fields=THRESHOLD_FIELDS).items()}
    data.update(changes)
    return {name: ("on" if value is True else value) for name, value in data.items() if value is not False}


def test_the_menu_entry_opens_the_single_rule_set(client):
    login_with_mfa(client, staff_with_mfa(*RULES_PERMISSIONS))

    first = client.get(reverse("segment_rules:list"))
    second = client.get(reverse("segment_rules:list"))

    rules = SegmentRuleSet.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("segment_rules:edit", args=[rules.pk])
    page = client.get(first["Location"]).content.decode()
    assert "data-segment-live-count" in page and "js/htmx.min.js" in page
    assert reverse("segment_rules_live_count") in page
    assert "VIP: spend in 12 months at least" in page


def test_publishing_a_threshold_is_recorded_with_its_author(client):
    marketer = staff_with_mfa(*RULES_PERMISSIONS, email="marketer@example.test")
    login_with_mfa(client, marketer)
    client.get(reverse("segment_rules:list"))
    rules = SegmentRuleSet.objects.get()

    edit_url = reverse("segment_rules:edit", args=[rules.pk])
    client.post(edit_url, {**_form_data(rules), "action-publish": "publish"})
    response = client.post(edit_url, {**_form_data(rules, vip_min_spend_12m="9000000"),
                                      "action-publish": "publish"})

    assert response.status_code == 302
    rules.refresh_from_db()
    assert rules.vip_min_spend_12m == Decimal("9000000")
    before, after = rules.revisions.order_by("created_at", "pk")
    assert after.user == marketer and Decimal(after.content["vip_min_spend_12m"]) == Decimal("9000000")
    history = client.get(reverse("segment_rules:history", args=[rules.pk])).content.decode()
    assert "marketer@example.test" in history
    compare = client.get(reverse("segment_rules:revisions_compare", args=[rules.pk, before.pk, after.pk]))
    text = compare.content.decode()
    assert compare.status_code == 200 and "VIP: spend in 12 months at least" in text and "9000000" in text


def test_a_bad_threshold_is_refused_with_a_message(client):
    login_with_mfa(client, staff_with_mfa(*RULES_PERMISSIONS))
    client.get(reverse("segment_rules:list"))
    rules = SegmentRuleSet.objects.get()

    response = client.post(reverse("segment_rules:edit", args=[rules.pk]),
                           _form_data(rules, devicer_addon_attributes="device protection"))

    assert response.status_code == 200
    assert "Attribute names are letters, digits and underscores" in response.content.decode()
    rules.refresh_from_db()
    assert rules.devicer_addon_attributes == "device_protection"


def test_the_live_count_counts_the_typed_thresholds_without_saving(client):
    login_with_mfa(client, staff_with_mfa(*RULES_PERMISSIONS))
    member_with_profile(profile={"spend_12m": Decimal("8000000")})
    member_with_profile(payment_plan=PaymentPlan.PREPAID, profile={"spend_12m": Decimal("4000000")})
    rules = SegmentRuleSet()

    page = client.post(reverse("segment_rules_live_count"),
                       _form_data(rules, vip_min_spend_12m="5000000")).content.decode()

    assert '<tr data-segment="vip"><td>VIP</td><td data-by-rules>1</td><td data-effective>1</td></tr>' in page
    assert "Counted in" in page
    assert not SegmentRuleSet.objects.exists()
    assert set(Member.objects.values_list("segment", flat=True)) == {""}


def test_the_live_count_names_what_is_wrong(client):
    login_with_mfa(client, staff_with_mfa(*RULES_PERMISSIONS))

    page = client.post(reverse("segment_rules_live_count"),
                       _form_data(SegmentRuleSet(), vip_min_spend_12m="-5")).content.decode()

    assert "data-live-count-invalid" in page and "VIP: spend in 12 months at least" in page


def test_the_member_segment_screen_sets_and_clears_an_override(client):
    staff = staff_with_mfa(*OVERRIDE_PERMISSIONS, email="care@example.test")
    login_with_mfa(client, staff)
    member = member_with_profile(profile={"spend_12m": Decimal("30000000")})
    segments_classify(member_ids=[member.pk], on=ON)
    url = reverse("member_segment", args=[member.pk])

    inspect = client.get(reverse("member:inspect", args=[member.pk])).content.decode()
    assert url in inspect and "Segment: VIP" in inspect
    response = client.post(url, {"action": "set", "segment": Segment.CONTROL_SEEKERS,
                                 "reason": "Wants a cap"})
    assert response.status_code == 302
    assert Member.objects.get(pk=member.pk).segment == Segment.CONTROL_SEEKERS
    page = client.get(url).content.decode()
    assert "Wants a cap" in page and "care@example.test" in page and "data-active" in page

    client.post(url, {"action": "clear"})
    assert Member.objects.get(pk=member.pk).segment == Segment.VIP
    assert SegmentOverride.objects.get().cleared_by == staff


def test_an_override_without_a_reason_is_refused(client):
    login_with_mfa(client, staff_with_mfa(*OVERRIDE_PERMISSIONS))
    member = member_with_profile()

    response = client.post(reverse("member_segment", args=[member.pk]),
                           {"action": "set", "segment": Segment.VIP, "reason": ""})

    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert not SegmentOverride.objects.exists()


def test_staff_who_may_only_read_cannot_override(client):
    login_with_mfa(client, staff_with_mfa(ACCESS, "profiles.view_segmentoverride"))
    member = member_with_profile()
    url = reverse("member_segment", args=[member.pk])

    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "set", "segment": Segment.VIP, "reason": "x"}).status_code in DENIED
    assert not SegmentOverride.objects.exists() and Member.objects.get(pk=member.pk).segment == ""


def _admin_urls(member_id: int) -> list[str]:
    return [reverse("segment_rules:list"), reverse("segment_distribution"),
            reverse("member_segment", args=[member_id])]


def test_non_staff_are_refused(client):
    member = member_with_profile()
    client.force_login(UserFactory())

    for url in _admin_urls(member.pk):
        response = client.get(url)
        assert response.status_code in DENIED and b"VIP" not in response.content, url
    response = client.post(reverse("segment_rules_live_count"), _form_data(SegmentRuleSet()))
    assert response.status_code in DENIED and b"data-live-count" not in response.content
    assert client.post(reverse("member_segment", args=[member.pk]),
                       {"action": "set", "segment": Segment.VIP, "reason": "x"}).status_code in DENIED
    assert not SegmentOverride.objects.exists() and not SegmentRuleSet.objects.exists()


def test_staff_without_the_permissions_are_refused(client):
    member = member_with_profile()
    login_with_mfa(client, staff_with_mfa(ACCESS))

    for url in _admin_urls(member.pk):
        assert client.get(url).status_code in DENIED, url
    response = client.post(reverse("segment_rules_live_count"), _form_data(SegmentRuleSet()))
    assert response.status_code in DENIED and b"data-live-count" not in response.content
    assert not SegmentRuleSet.objects.exists()


@pytest.fixture
def classified():
    """VIP ×2 (one of them by hand), Cost Cutter ×1, and one unclassified per reason."""
    staff = staff_with_mfa(ACCESS)
    members = [
        member_with_profile(profile={"spend_12m": Decimal("30000000")}),
        member_with_profile(payment_plan=PaymentPlan.PREPAID,
                            profile={"spend_3m": Decimal("1000"), "data_mb_3m": 1}),
        member_with_profile(payment_plan=PaymentPlan.PREPAID),
        member_with_profile(consent=False),
        member_with_profile(no_profile=True),
    ]
    segments_classify(on=ON)
    segment_override_set(member_id=members[2].pk, segment=Segment.VIP, reason="Key account", staff_user=staff)
    member_with_profile()  # no rule matches
    segments_classify(on=ON)
    return members


def test_the_distribution_report_figures(client, classified):
    login_with_mfa(client, staff_with_mfa(ACCESS, "profiles.view_segmentoverride"))

    page = client.get(reverse("segment_distribution"), {"by": "payment_plan"}).content.decode()

    assert ('<tr data-segment="vip"><td>VIP</td><td data-members>2</td><td data-overridden>1</td></tr>'
            in page)
    assert '<tr data-segment="cost_cutters"><td>Cost Cutters</td><td data-members>1</td>' in page
    assert "Unclassified: 3" in page
    assert "<tr><td>No profiling consent</td><td>1</td></tr>" in page
    assert "<tr><td>No profile yet</td><td>1</td></tr>" in page
    assert "<tr><td>No rule matches</td><td>1</td></tr>" in page
    assert "<tr><td>VIP</td><td>1</td><td>1</td></tr>" in page  # one prepaid, one postpaid


def test_the_distribution_csv(client, classified):
    login_with_mfa(client, staff_with_mfa(ACCESS, "profiles.view_segmentoverride"))

    response = client.get(reverse("segment_distribution"), {"by": "payment_plan", "export": "csv"})

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Figure", "Segment", "Group", "Members"]
    assert ["Members per segment", "VIP", "", "2"] in rows
    assert ["Set by hand", "VIP", "", "1"] in rows
    assert ["Unclassified", "", "No profiling consent", "1"] in rows
    assert ["By payment plan", "Cost Cutters", "Prepaid", "1"] in rows
    assert ["By payment plan", "Unclassified", "Postpaid", "3"] in rows


def test_the_report_by_tier_puts_unevaluated_members_in_the_default_tier(client, classified):
    from tests.factories import TierFactory

    TierFactory(code="member", name="Member", rank=1)
    TierFactory(code="gold", name="Gold", rank=3)
    login_with_mfa(client, staff_with_mfa(ACCESS, "profiles.view_segmentoverride"))

    page = client.get(reverse("segment_distribution")).content.decode()

    assert "<th>Member</th><th>Gold</th>" in page
    assert "<tr><td>VIP</td><td>2</td><td>0</td></tr>" in page
