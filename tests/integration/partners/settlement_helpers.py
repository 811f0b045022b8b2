"""A month of co-promotion activity for the settlement tests, made through the co-promotion
services (``code_redeem`` and ``code_redemption_reverse`` with their ``at``), and the figures
it must give, computed by hand.

The months are relative to today: ``M`` is two months ago (its statement can be approved),
``S`` the month before it, ``N`` the month after it (last month).

Co-promotion ``voucher`` (a partner voucher): 10,000 per redemption, the operator's revenue
share 12.5 %. Co-promotion ``bonus`` (200 bonus points): 2,000 per redemption + 15 a point.

- S: voucher redeems A, bonus redeems P1; both reversed in M (adjustments of M).
- M: voucher redeems B, C, D (D at 23:30 on M's last day, local time), E (reversed in M: nets
  out); bonus redeems P2, P3, P4 (P4 reversed in M).
- N: voucher redeems F at 00:10 on N's first day (not M).
- the voucher's co-branded revenue of M: 3,000,004.

M's statement, by hand:
  voucher redemptions   3 x 10,000          =  30,000
  bonus redemptions     2 x  2,000          =   4,000
  bonus points        400 x     15          =   6,000
  voucher revenue     3,000,004 x 12.5 %    = 375,000.5 -> 375,001 (half up)
  adjustment voucher S   -1 x 10,000        = -10,000
  adjustment bonus S     -1 x  2,000        =  -2,000
  adjustment points S  -200 x     15        =  -3,000
  funding 40,000; revenue share 375,001; adjustments -15,000; net 400,001
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from partners.copromotions.models import CoPromotion, PartnerRedemption
from partners.copromotions.services import code_redeem, code_redemption_reverse
from partners.organisations.models import PartnerUser
from partners.settlement.compute import month_start, next_month, previous_month
from tests.integration.partners.copromotion_factories import give_code, partner_with_user, running_copromotion

EXPECTED_M = {
    "funding_total": Decimal(40_000),
    "revenue_share_total": Decimal(375_001),
    "adjustments_total": Decimal(-15_000),
    "net_total": Decimal(400_001),
    "redemptions": 5,
    "points_credited": 400,
    "reversals": 2,
}
REVENUE_M = Decimal(3_000_004)


@dataclass
class Month:
    partner_user: PartnerUser
    voucher: CoPromotion
    bonus: CoPromotion
    S: dt.date
    M: dt.date
    N: dt.date
    redemptions: dict[str, PartnerRedemption]


def months() -> tuple[dt.date, dt.date, dt.date]:
    m = previous_month(previous_month(month_start(timezone.localdate())))
    return previous_month(m), m, next_month(m)


def at(day: dt.date, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def _open_from(copromotion: CoPromotion, start: dt.date) -> None:
    """The co-promotion has been running since ``start`` (the services only allow a start from
    today on for a new proposal; a test of past months moves it back)."""
    CoPromotion.objects.filter(pk=copromotion.pk).update(starts_on=start)
    copromotion.refresh_from_db()


def redeem(partner_user: PartnerUser, copromotion: CoPromotion, when: dt.datetime) -> PartnerRedemption:
    code = give_code(copromotion)
    result = code_redeem(partner_id=partner_user.partner_id, code=code.code, at=when)
    assert result.is_success, result.error
    return PartnerRedemption.objects.get(pk=result.redemption_id)


def reverse(partner_user: PartnerUser, redemption: PartnerRedemption, when: dt.datetime) -> None:
    result = code_redemption_reverse(partner_id=partner_user.partner_id, redemption_id=redemption.pk, at=when)
    assert result.redemption_id == redemption.pk and not getattr(result, "error", None), result


def copromotions_for(partner_user: PartnerUser, *, start: dt.date) -> tuple[CoPromotion, CoPromotion]:
    codes = [f"V-{partner_user.partner.slug.upper()}-{n:03d}" for n in range(12)]
    voucher = running_copromotion(partner_user, codes=codes, funding=Decimal(10_000), title="Streamly months")
    CoPromotion.objects.filter(pk=voucher.pk).update(revenue_share_percent=Decimal("12.5"))
    bonus = running_copromotion(
        partner_user, codes=[f"B-{partner_user.partner.slug.upper()}-{n:03d}" for n in range(12)],
        funding=Decimal(2_000), price_per_point=Decimal(15), title="Bonus with Streamly",
        benefit_kind="bonus_points", bonus_points=200,
    )
    _open_from(voucher, start)
    _open_from(bonus, start)
    return voucher, bonus


def build_month(name: str = "Streamly") -> Month:
    S, M, N = months()
    partner_user = partner_with_user(name)
    voucher, bonus = copromotions_for(partner_user, start=S)
    last_day = next_month(M) - dt.timedelta(days=1)
    r = {}
    r["A"] = redeem(partner_user, voucher, at(S.replace(day=20)))
    r["P1"] = redeem(partner_user, bonus, at(S.replace(day=20)))
    r["B"] = redeem(partner_user, voucher, at(M.replace(day=2)))
    r["C"] = redeem(partner_user, voucher, at(M.replace(day=10)))
    r["D"] = redeem(partner_user, voucher, at(last_day, 23, 30))
    r["E"] = redeem(partner_user, voucher, at(M.replace(day=12)))
    r["P2"] = redeem(partner_user, bonus, at(M.replace(day=3)))
    r["P3"] = redeem(partner_user, bonus, at(M.replace(day=4)))
    r["P4"] = redeem(partner_user, bonus, at(M.replace(day=15)))
    r["F"] = redeem(partner_user, voucher, at(N, 0, 10))
    reverse(partner_user, r["A"], at(M.replace(day=5)))
    reverse(partner_user, r["P1"], at(M.replace(day=6)))
    reverse(partner_user, r["E"], at(M.replace(day=13)))
    reverse(partner_user, r["P4"], at(M.replace(day=20)))
    return Month(partner_user, voucher, bonus, S, M, N, r)
