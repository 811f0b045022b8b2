"""Audit log: approving or rejecting a co-promotion (through its campaign's workflow in the
admin) records who decided, the state before and after, and the terms that were decided on;
a repeated or refused decision records nothing more."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from club.audit.models import AuditEntry
from partners.copromotions.models import CoPromotion
from partners.copromotions.services import (
    CoPromotionError,
    copromotion_approve,
    copromotion_propose,
    copromotion_terms_set,
)
from partners.copromotions.services.proposals import APPROVED_LOG_ACTION, REJECTED_LOG_ACTION
from tests.integration.audit.helpers import only_entry
from tests.integration.partners.copromotion_factories import proposal
from tests.integration.partners.test_copromotions_review import (  # noqa: F401 (a fixture)
    CAMPAIGNS,
    in_group,
    submit_campaign,
    submitted,
)
from tests.mfa_login import login_with_mfa
from tests.partner_fixtures import PartnerUserFactory

pytestmark = pytest.mark.django_db

TERMS = {"funding_per_redemption": "5000", "price_per_point": "20", "revenue_share_percent": "12.50"}


def _decide(client, copromotion: CoPromotion, action: str, comment: str):
    state = submit_campaign(copromotion.campaign, in_group("Marketers"))
    approver = in_group("Campaign approvers")
    login_with_mfa(client, approver)
    response = client.post(
        reverse(f"{CAMPAIGNS}:workflow_action", args=(copromotion.campaign_id, action,
                                                      state.current_task_state.pk)),
        {"comment": comment},
    )
    assert response.status_code in (200, 302)
    return approver


def _terms_set(copromotion: CoPromotion) -> None:
    copromotion_terms_set(copromotion_id=copromotion.pk, user_id=in_group("Marketers").pk,
                          review_comment="Agreed on the call of 3 Dec.",
                          **{name: Decimal(value) for name, value in TERMS.items()})


def test_approving_records_the_approver_and_the_terms_that_lock(client, submitted):  # noqa: F811
    _terms_set(submitted)

    approver = _decide(client, submitted, "approve", "Fine")

    entry = only_entry(action=APPROVED_LOG_ACTION)
    assert (entry.user_id, entry.actor_label, entry.object_id) == (
        approver.pk, f"{approver.email} (#{approver.pk})", str(submitted.pk))
    assert entry.changes == {"state": ["submitted", "approved"]}
    assert entry.data == {"terms": TERMS, "campaign_id": submitted.campaign_id}
    assert entry.ip == "127.0.0.1" and entry.request_id
    assert not AuditEntry.objects.filter(action=REJECTED_LOG_ACTION).exists()

    # approving again (the workflow's signal sent twice) records nothing more
    copromotion_approve(copromotion_id=submitted.pk, user_id=approver.pk)
    assert AuditEntry.objects.filter(action=APPROVED_LOG_ACTION).count() == 1


def test_rejecting_records_the_approver_the_comment_and_the_terms_proposed(client, submitted):  # noqa: F811
    _terms_set(submitted)

    approver = _decide(client, submitted, "reject", "The budget is too small for this audience.")

    entry = only_entry(action=REJECTED_LOG_ACTION)
    assert (entry.user_id, entry.object_id) == (approver.pk, str(submitted.pk))
    assert entry.changes == {
        "state": ["submitted", "rejected"],
        "review_comment": ["Agreed on the call of 3 Dec.", "The budget is too small for this audience."],
    }
    assert entry.data["terms"] == TERMS
    assert not AuditEntry.objects.filter(action=APPROVED_LOG_ACTION).exists()


def test_a_refused_decision_records_nothing():
    partner_user = PartnerUserFactory()
    draft = copromotion_propose(partner_id=partner_user.partner_id, user_id=partner_user.user_id,
                                data=proposal(benefit_kind="bonus_points", bonus_points=500))

    with pytest.raises(CoPromotionError, match="draft"):
        copromotion_approve(copromotion_id=draft.pk, user_id=in_group("Campaign approvers").pk)

    assert not AuditEntry.objects.filter(action__in=[APPROVED_LOG_ACTION, REJECTED_LOG_ACTION]).exists()
    assert CoPromotion.objects.get(pk=draft.pk).state == "draft"
