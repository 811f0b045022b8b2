"""Co-promotion services: proposal, submission (the campaign), codes, redemption, reversal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from campaigns.models import Campaign
from partners.copromotions.models import (
    CodeState,
    CoPromotion,
    CoPromotionBudget,
    CoPromotionState,
    PartnerRedemption,
    PromotionCode,
)
from partners.copromotions.selectors import copromotion_stats, copromotions_for_partner
from partners.copromotions.services import (
    CodeError,
    CoPromotionError,
    code_redeem,
    code_redemption_reverse,
    code_validate,
    copromotion_code_claim,
    copromotion_codes_generate,
    copromotion_codes_upload,
    copromotion_propose,
    copromotion_reject,
    copromotion_submit,
    copromotion_terms_set,
    copromotion_update_draft,
)
from rewards.ledger.models import LedgerEntry
from tests.factories import MemberFactory

from .copromotion_factories import give_code, partner_with_user, proposal, running_copromotion

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return partner_with_user("Streamly")


@pytest.fixture
def other():
    return partner_with_user("Gadgetland")


def balance(member) -> int:
    return sum(LedgerEntry.objects.filter(member=member).values_list("points", flat=True))


# --- proposing ---------------------------------------------------------------------------------


def test_a_proposal_is_a_draft_of_the_partner(admin):
    copromotion = copromotion_propose(partner_id=admin.partner_id, user_id=admin.user_id, data=proposal())

    assert (copromotion.state, copromotion.partner_id, copromotion.campaign_id) == (
        "draft",
        admin.partner_id,
        None,
    )
    assert copromotion.suggested_segments == ["devicers", "vip"]
    assert copromotion.offer_text("zh-hans") == copromotion.offer_text_en
    assert copromotion.offer_text("vi") == "Hai tháng Streamly miễn phí."


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"offer_text_en": ""}, "offer_text_en"),
        ({"title": ""}, "title"),
        ({"budget": Decimal(0)}, "budget"),
        ({"budget": "abc"}, "budget"),
        ({"benefit_kind": "cash"}, "benefit_kind"),
        ({"benefit_kind": "bonus_points"}, "bonus_points"),
        ({"benefit_kind": "discount"}, "discount_percent"),
        (
            {"benefit_kind": "discount", "discount_percent": Decimal(10), "discount_amount": Decimal(5000)},
            "discount_percent",
        ),
        ({"suggested_segments": ["nobody"]}, "suggested_segments"),
        ({"ends_on": timezone.localdate() - dt.timedelta(days=1)}, "ends_on"),
        ({"starts_on": timezone.localdate() - dt.timedelta(days=3)}, "starts_on"),
        ({"partner": 5}, "partner"),
    ],
    ids=[
        "no-text",
        "no-title",
        "zero-budget",
        "bad-budget",
        "bad-kind",
        "points-missing",
        "discount-missing",
        "discount-both",
        "bad-segment",
        "ends-before-start",
        "starts-in-past",
        "unknown-field",
    ],
)
def test_a_bad_proposal_is_refused_on_its_field_and_writes_nothing(admin, changes, field):
    with pytest.raises(ValidationError) as refused:
        copromotion_propose(partner_id=admin.partner_id, user_id=admin.user_id, data=proposal(**changes))

    assert field in refused.value.message_dict
    assert CoPromotion.objects.count() == 0


def test_only_a_draft_of_ones_own_partner_is_updated(admin, other):
    copromotion = copromotion_propose(partner_id=admin.partner_id, user_id=admin.user_id, data=proposal())

    with pytest.raises(CoPromotion.DoesNotExist):
        copromotion_update_draft(
            copromotion_id=copromotion.pk,
            partner_id=other.partner_id,
            user_id=other.user_id,
            data={"title": "Hijacked"},
        )
    updated = copromotion_update_draft(
        copromotion_id=copromotion.pk,
        partner_id=admin.partner_id,
        user_id=admin.user_id,
        data={"title": "Three months"},
    )

    assert CoPromotion.objects.get().title == updated.title == "Three months"


def test_submitting_needs_codes_then_creates_the_draft_campaign_and_the_budget(admin):
    copromotion = copromotion_propose(partner_id=admin.partner_id, user_id=admin.user_id, data=proposal())
    with pytest.raises(CoPromotionError) as refused:
        copromotion_submit(copromotion_id=copromotion.pk, partner_id=admin.partner_id, user_id=admin.user_id)
    assert refused.value.error_code == "no_codes"

    copromotion_codes_generate(copromotion_id=copromotion.pk, count=5)
    copromotion_submit(copromotion_id=copromotion.pk, partner_id=admin.partner_id, user_id=admin.user_id)

    copromotion.refresh_from_db()
    campaign = Campaign.objects.get(pk=copromotion.campaign_id)
    assert (copromotion.state, campaign.live, campaign.offer_kind) == ("submitted", False, "message")
    assert sorted(campaign.messages.values_list("language", flat=True)) == ["en", "vi"]
    assert campaign.audience.conditions[0].value["segments"] == ["devicers", "vip"]
    assert campaign.revisions.count() == 1
    assert CoPromotionBudget.objects.get(copromotion=copromotion).budget == Decimal(1_000_000)
    with pytest.raises(CoPromotionError):
        copromotion_update_draft(
            copromotion_id=copromotion.pk,
            partner_id=admin.partner_id,
            user_id=admin.user_id,
            data={"title": "Late change"},
        )


def test_terms_lock_once_approved(admin):
    copromotion = running_copromotion(admin)

    with pytest.raises(CoPromotionError) as refused:
        copromotion_terms_set(
            copromotion_id=copromotion.pk,
            user_id=None,
            funding_per_redemption=Decimal(1),
            price_per_point=Decimal(0),
        )

    assert refused.value.error_code == "terms_locked"
    assert CoPromotion.objects.get().funding_per_redemption == Decimal(10_000)
    with pytest.raises(CoPromotionError):
        copromotion_reject(copromotion_id=copromotion.pk, user_id=None)


# --- codes ------------------------------------------------------------------------------------


def test_generated_codes_are_unique_and_unambiguous(admin):
    copromotion = copromotion_propose(partner_id=admin.partner_id, user_id=admin.user_id, data=proposal())

    assert copromotion_codes_generate(copromotion_id=copromotion.pk, count=300) == 300
    codes = list(PromotionCode.objects.values_list("code", flat=True))
    assert len(set(codes)) == 300
    assert not set("".join(codes)) & set("01OIL")


def test_an_upload_reports_every_bad_line_and_writes_nothing(admin):
    copromotion = copromotion_propose(partner_id=admin.partner_id, user_id=admin.user_id, data=proposal())
    copromotion_codes_upload(copromotion_id=copromotion.pk, file="TAKEN-1\n")

    report = copromotion_codes_upload(
        copromotion_id=copromotion.pk, file=b"GOOD-1\nbad code\n\nGOOD-1\nTAKEN-1\nx\n"
    )
    assert report.added == 0
    assert report.problems == [
        "line 2: a code has 4 to 64 letters, digits, '-' or '_'",
        "line 4: the same code as line 1",
        "line 6: a code has 4 to 64 letters, digits, '-' or '_'",
    ]
    report = copromotion_codes_upload(copromotion_id=copromotion.pk, file=b"GOOD-1\nTAKEN-1\n")
    assert report.problems == ["line 2: this code is already in one of your pools"]
    assert list(PromotionCode.objects.values_list("code", flat=True)) == ["TAKEN-1"]
    assert copromotion_codes_upload(copromotion_id=copromotion.pk, file=b"\xff\xfe").problems == [
        "The file is not UTF-8 text."
    ]


def test_a_member_claims_one_code_only_after_the_campaign_reached_them(admin):
    copromotion = running_copromotion(admin)
    member = MemberFactory()

    assert copromotion_code_claim(member_id=member.pk, copromotion_id=copromotion.pk).error == "not_offered"
    code = give_code(copromotion, member)
    again = copromotion_code_claim(member_id=member.pk, copromotion_id=copromotion.pk)

    assert again.code == code.code
    assert (code.state, code.member_id) == (CodeState.ASSIGNED, member.pk)
    assert PromotionCode.objects.filter(member__isnull=False).count() == 1


# --- validate, redeem, reverse ------------------------------------------------------------------


def test_validate_tells_what_the_member_gets_and_never_who(admin):
    copromotion = running_copromotion(admin, benefit_kind="discount", discount_percent=Decimal(15))
    code = give_code(copromotion)

    check = code_validate(partner_id=admin.partner_id, code=code.code)

    assert check.is_valid
    assert (check.copromotion_id, check.benefit.kind, check.benefit.discount_percent) == (
        copromotion.pk,
        "discount",
        Decimal(15),
    )
    assert "member" not in {name for name in vars(check)}


def test_another_partners_code_is_not_found_like_an_unknown_one(admin, other):
    copromotion = running_copromotion(admin)
    code = give_code(copromotion)

    theirs = code_validate(partner_id=other.partner_id, code=code.code)
    unknown = code_validate(partner_id=other.partner_id, code="NO-SUCH-CODE")
    redeemed = code_redeem(partner_id=other.partner_id, code=code.code)

    assert (theirs.error, theirs.message, theirs.copromotion_id) == (
        unknown.error,
        unknown.message,
        unknown.copromotion_id,
    )
    assert theirs.error == redeemed.error == CodeError.CODE_NOT_FOUND
    assert PartnerRedemption.objects.count() == 0


def test_redeeming_bonus_points_credits_the_member_and_spends_the_budget(admin):
    copromotion = running_copromotion(
        admin,
        benefit_kind="bonus_points",
        bonus_points=500,
        funding=Decimal(2_000),
        price_per_point=Decimal(20),
    )
    member = MemberFactory()
    code = give_code(copromotion, member)

    result = code_redeem(partner_id=admin.partner_id, code=code.code, reference="till-7/0042")

    assert result.is_success
    assert (result.points, result.amount) == (500, Decimal(12_000))
    assert balance(member) == 500
    assert CoPromotionBudget.objects.get().spent == Decimal(12_000)
    again = code_redeem(partner_id=admin.partner_id, code=code.code)
    assert again.error == CodeError.CODE_ALREADY_REDEEMED
    assert (balance(member), PartnerRedemption.objects.count()) == (500, 1)


def test_an_available_code_and_a_finished_promotion_are_refused(admin):
    copromotion = running_copromotion(admin, codes=["GIVEN-1", "NOT-GIVEN-1"])
    given = give_code(copromotion)

    assert code_redeem(partner_id=admin.partner_id, code="NOT-GIVEN-1").error == CodeError.CODE_NOT_ISSUED
    later = timezone.now() + dt.timedelta(days=40)
    assert code_redeem(partner_id=admin.partner_id, code=given.code, at=later).error == (
        CodeError.PROMOTION_NOT_RUNNING
    )
    assert PartnerRedemption.objects.count() == 0


def test_the_budget_is_never_exceeded(admin):
    copromotion = running_copromotion(admin, budget=Decimal(25_000), funding=Decimal(10_000))
    codes = [give_code(copromotion) for _ in range(3)]

    results = [code_redeem(partner_id=admin.partner_id, code=c.code) for c in codes]

    assert [r.error for r in results] == [None, None, CodeError.BUDGET_EXHAUSTED]
    assert CoPromotionBudget.objects.get().spent == Decimal(20_000)
    assert code_validate(partner_id=admin.partner_id, code=codes[2].code).error == CodeError.BUDGET_EXHAUSTED
    assert PromotionCode.objects.get(pk=codes[2].pk).state == CodeState.ASSIGNED


def test_a_reversal_takes_the_points_back_gives_the_budget_back_once(admin):
    copromotion = running_copromotion(
        admin, benefit_kind="bonus_points", bonus_points=300, funding=Decimal(0), price_per_point=Decimal(10)
    )
    member = MemberFactory()
    code = give_code(copromotion, member)
    redeemed = code_redeem(partner_id=admin.partner_id, code=code.code)

    first = code_redemption_reverse(partner_id=admin.partner_id, redemption_id=redeemed.redemption_id)
    second = code_redemption_reverse(partner_id=admin.partner_id, redemption_id=redeemed.redemption_id)
    by_code = code_redemption_reverse(partner_id=admin.partner_id, code=code.code)

    assert (first.is_success, first.replayed, second.replayed) == (True, False, True)
    assert by_code.error == CodeError.NOT_REDEEMED
    assert balance(member) == 0
    assert list(LedgerEntry.objects.filter(member=member).order_by("pk").values_list("kind", "points")) == [
        ("earn", 300),
        ("reverse", -300),
    ]
    assert CoPromotionBudget.objects.get().spent == Decimal(0)
    assert PromotionCode.objects.get(pk=code.pk).state == CodeState.ASSIGNED
    # redeemable again after the reversal
    assert code_redeem(partner_id=admin.partner_id, code=code.code).is_success
    assert balance(member) == 300


def test_another_partner_cannot_reverse(admin, other):
    copromotion = running_copromotion(admin)
    code = give_code(copromotion)
    redeemed = code_redeem(partner_id=admin.partner_id, code=code.code)

    by_id = code_redemption_reverse(partner_id=other.partner_id, redemption_id=redeemed.redemption_id)
    by_code = code_redemption_reverse(partner_id=other.partner_id, code=code.code)

    assert (by_id.error, by_code.error) == (CodeError.REDEMPTION_NOT_FOUND, CodeError.CODE_NOT_FOUND)
    assert PartnerRedemption.objects.get().reversed_at is None


# --- figures ----------------------------------------------------------------------------------


def test_stats_are_aggregates_of_deliveries_redemptions_and_budget(admin, django_assert_max_num_queries):
    copromotion = running_copromotion(admin, codes=[f"CODE-{n}" for n in range(5)], funding=Decimal(1_000))
    codes = [give_code(copromotion) for _ in range(3)]
    first = code_redeem(partner_id=admin.partner_id, code=codes[0].code)
    code_redeem(partner_id=admin.partner_id, code=codes[1].code)
    code_redemption_reverse(partner_id=admin.partner_id, redemption_id=first.redemption_id)

    stats = copromotion_stats(copromotion_id=copromotion.pk)

    assert (stats.delivered, stats.codes_total, stats.codes_given, stats.redeemed, stats.reversed) == (
        3,
        5,
        3,
        1,
        1,
    )
    assert (stats.budget_spent, stats.budget_left) == (Decimal(1_000), Decimal(999_000))
    with django_assert_max_num_queries(6):
        rows = copromotions_for_partner(partner_id=admin.partner_id)
    assert [(row.copromotion.pk, row.status, row.stats.redeemed) for row in rows] == [
        (copromotion.pk, "running", 1)
    ]
    assert copromotions_for_partner(partner_id=partner_with_user("Other").partner_id) == []
    assert CoPromotion.objects.get().state == CoPromotionState.APPROVED
