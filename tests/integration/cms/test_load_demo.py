"""``load_demo`` builds a believable operator, and a second run changes nothing."""

from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Site

from campaigns.contact.models import Delivery
from campaigns.models import Campaign
from club.care.selectors_feedback import satisfaction_matrix
from club.members.models import ConsentRecord, Member
from cms.demo.people import DEMO_SUBSCRIBERS
from cms.models import HomePage
from rewards.catalogue.models import Redemption
from rewards.ledger.models import LedgerEntry, PointsAccount
from rewards.tiers.models import MemberTier

pytestmark = pytest.mark.django_db

SIZE = 600


def _snapshot():
    return {
        "members": list(Member.objects.order_by("pk").values_list("pk", "updated_at")),
        "users": list(get_user_model().objects.order_by("pk").values_list("pk", "password")),
        "consents": ConsentRecord.objects.count(),
        "interest_links": Member.interests.through.objects.count(),
        "pages": HomePage.objects.count(),
        "ledger": list(LedgerEntry.objects.order_by("pk").values_list("pk", "points")),
        "balances": list(PointsAccount.objects.order_by("pk").values_list("pk", "available", "pending")),
        "tiers": list(MemberTier.objects.order_by("pk").values_list("pk", "tier_id")),
        "redemptions": list(Redemption.objects.order_by("pk").values_list("pk", "state")),
        "campaigns": list(Campaign.objects.order_by("pk").values_list("pk", "live", "latest_revision_id")),
        "deliveries": list(Delivery.objects.order_by("pk").values_list("pk", "status")),
    }


def test_load_demo_builds_the_operator_and_is_idempotent(capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the sends' tasks run after commit
        call_command("load_demo", members=SIZE)
    first = _snapshot()
    first_output = capsys.readouterr().out

    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", members=SIZE)
    second_output = capsys.readouterr().out

    assert _snapshot() == first
    assert f"subscribers created {SIZE}, updated 0, unchanged 0" in first_output
    assert f"subscribers created 0, updated 0, unchanged {SIZE}" in second_output
    assert "interest links added 0" in second_output
    assert "tiers created 4, earning rules created 4" in first_output
    assert "applied 0, duplicates" in second_output and "quarantined 0" in second_output
    assert "rewards created 7" in first_output and "new redemptions 0" in second_output
    assert first["ledger"] and first["tiers"] and first["redemptions"]
    assert "audiences created 4, campaigns created 5" in first_output
    assert "account managers created 2" in first_output and "contacts recorded 3" in first_output
    assert "survey answers created 200, complaints created 4" in first_output
    assert "survey answers created 0, complaints created 0" in second_output
    assert {p.quadrant.key for p in satisfaction_matrix().points} == {
        "keep", "fix_first", "potential_loss", "over_served"}
    assert "account managers created 0; by rule 0 members assigned" in second_output
    assert "contacts recorded 0" in second_output
    assert "new RSVPs 0." in second_output and "new RSVPs 0." not in first_output
    assert "audiences created 0, campaigns created 0; sends started 0" in second_output
    assert first["deliveries"] and first["deliveries"] == _snapshot()["deliveries"]
    # the demo's 5 campaigns and the 2 the demo partners' co-promotions run as
    assert [live for _pk, live, _revision in first["campaigns"]] == [True] * 7
    assert "Partners: created 2, codes generated 100" in first_output
    assert "statements issued 2." in first_output
    assert "Partners: created 0, codes generated 0, redemptions 0, statements issued 0." in second_output
    for login in DEMO_SUBSCRIBERS:
        assert f"{login.email}: {login.password}" in second_output


def test_demo_population_spans_types_plans_tenures_and_segments():
    call_command("load_demo", members=SIZE)

    members = Member.objects.all()
    types = Counter(members.values_list("customer_type", flat=True))
    segments = Counter(members.values_list("segment", flat=True))
    plans = Counter(members.values_list("payment_plan", flat=True))
    tenures = [m.tenure_years() for m in members.only("activation_date")]

    assert set(types) == {"individual", "household", "enterprise", "government"}
    assert set(segments) == {
        "performance_seekers", "devicers", "vip", "cost_cutters", "curious_novices",
        "control_seekers",
    }
    assert set(plans) == {"prepaid", "postpaid"}
    assert min(tenures) == 0 and max(tenures) >= 9
    assert members.filter(churn_reason="lost_to_competitor").exists()
    assert Site.objects.get(is_default_site=True).root_page.specific_class is HomePage


def test_demo_subscribers_are_linked_and_can_log_in(client):
    call_command("load_demo", members=SIZE)
    login = DEMO_SUBSCRIBERS[0]

    response = client.post("/accounts/login/", {"login": login.email, "password": login.password})

    assert response.status_code == 302
    dashboard = client.get("/portal/")
    member = Member.objects.get(user__email=login.email)
    assert member.account_number == "SAO0000001"
    assert member.msisdn in dashboard.content.decode()


def test_demo_campaigns_reach_their_audiences():
    from campaigns.audiences.selectors import audience_count

    call_command("load_demo", members=SIZE)

    campaigns = {c.name: c for c in Campaign.objects.select_related("audience", "event", "bundle")}
    assert set(campaigns) == {
        "Birthday bonus", "Tenure anniversary discount", "We miss you: prepaid win-back",
        "Budget pack for Control Seekers", "VIP invitation: football night",
        # the demo partners' co-promotions (cms/demo/partners.py)
        "Streamly: Two months of Streamly Premium", "Gadgetland: 500 bonus points with a new phone",
    }
    vip, budget = campaigns["VIP invitation: football night"], campaigns["Budget pack for Control Seekers"]
    assert (vip.offer_kind, vip.event.slug) == ("event", "vip-football-night")
    assert (budget.offer_kind, budget.bundle.code) == ("bundle", "control-seekers-budget-pack")
    assert campaigns["We miss you: prepaid win-back"].cron == "0 10 * * mon"
    today = timezone.localdate()
    counts = {name: audience_count(audience=c.audience, on=today) for name, c in campaigns.items()}
    assert counts["Birthday bonus"] == Member.objects.filter(status="active").count()
    assert 0 < counts["Budget pack for Control Seekers"] == Member.objects.filter(
        segment="control_seekers", status="active").count()
    assert 0 < counts["VIP invitation: football night"] < SIZE


def test_demo_one_shot_campaigns_are_sent_within_the_caps(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", members=SIZE)

    sent = Counter(Delivery.objects.values_list("campaign__name", "status"))
    vip = Campaign.objects.get(name="VIP invitation: football night")
    assert sent[("VIP invitation: football night", "sent")] > 0
    assert sent[("Budget pack for Control Seekers", "sent")] > 0
    reached = set(Delivery.objects.filter(campaign=vip).values_list("member_id", flat=True))
    assert reached <= set(Member.objects.filter(status="active").values_list("pk", flat=True))
    assert not Delivery.objects.filter(campaign=vip, member__consent_marketing=False).exists()
    # Whoever the VIP campaign reached may take its invitation: the audience matches the event's gate.
    from campaigns.offers.services import offer_accept

    invited = Delivery.objects.filter(campaign=vip, status="sent").order_by("member_id").first()
    taken = offer_accept(member_id=invited.member_id, campaign_id=vip.pk, occurrence=invited.occurrence)
    assert taken.is_success, taken.message
    assert taken.acceptance.rsvp.status == "confirmed"
