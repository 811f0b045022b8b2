"""The demo operator's partners: two partners with an admin each, running co-promotions with
code pools, redemptions, and last month settled (issued statements with the agreed figures);
a second load changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cms.demo.partners import DEMO_PARTNERS, demo_partners_load
from cms.demo.people import demo_people_load
from cms.demo.subscribers import demo_subscribers_load
from partners.copromotions.models import CoPromotion, CoPromotionState, PartnerRedemption, PromotionCode
from partners.organisations.models import PartnerRole, PartnerUser
from partners.settlement.models import Statement, StatementLine, StatementState

# Transactional, as ``make demo`` runs: the campaign sends' tasks run at each commit, so the
# members have their offers (and take their codes) before the partner redeems them.
pytestmark = pytest.mark.django_db(transaction=True)


def snapshot() -> dict:
    return {
        "copromotions": list(CoPromotion.objects.order_by("pk").values_list("pk", "state")),
        "codes": list(PromotionCode.objects.order_by("pk").values_list("pk", "state")),
        "redemptions": list(PartnerRedemption.objects.order_by("pk").values_list("pk", "reversed_at")),
        "statements": list(Statement.objects.order_by("pk").values_list("pk", "state", "net_total")),
        "lines": StatementLine.objects.count(),
    }


def test_the_demo_partners_have_running_copromotions_and_a_settled_month():
    demo_subscribers_load(count=200)
    demo_people_load()
    first = demo_partners_load()

    assert (first.partners_created, first.codes_generated, first.statements_issued) == (2, 100, 2)
    assert first.redemptions == sum(p.redeemed_last_month + 1 + p.redeemed_this_month for p in DEMO_PARTNERS)
    admins = PartnerUser.objects.filter(role=PartnerRole.ADMIN).select_related("partner", "user")
    assert {(a.partner.name, a.user.email, a.user.is_staff) for a in admins} == {
        ("Streamly", "partner@streamly.example", False), ("Gadgetland", "partner@gadgetland.example", False),
    }
    assert set(CoPromotion.objects.values_list("benefit_kind", "state")) == {
        ("voucher", CoPromotionState.APPROVED), ("bonus_points", CoPromotionState.APPROVED),
    }
    statements = {s.partner.name: s for s in Statement.objects.select_related("partner")}
    assert {name: (s.state, s.redemptions, s.net_total) for name, s in statements.items()} == {
        # 8 x 45,000 + 10 % of 18,500,000
        "Streamly": (StatementState.ISSUED, 8, Decimal(2_210_000)),
        # 6 x 5,000 + 6 x 500 points x 20
        "Gadgetland": (StatementState.ISSUED, 6, Decimal(90_000)),
    }
    before = snapshot()

    again = demo_partners_load()

    assert (again.partners_created, again.redemptions, again.statements_issued) == (0, 0, 0)
    assert snapshot() == before
