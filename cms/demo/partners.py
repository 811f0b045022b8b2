"""Demo partners (issue 8): a streaming service and a device retailer, each with an admin login,
a running co-promotion with its code pool, redemptions last month and this month, and last
month settled (its statement issued).

Everything goes through the services the portal, the admin and the partner API use: the
partner proposes (``copromotion_propose``), generates codes, moves the start back to the first
of last month while it is a draft (the demo needs a past month to settle), submits (its
campaign is created); the marketer sets the terms and approves (``copromotion_approve``, what
the campaign's approval workflow calls); the campaign goes out as a one-shot send (the
scheduler's tick, under the usual caps); members take their codes (``copromotion_code_claim``);
the partner redeems them (``code_redeem`` with the time they happened) and reverses one
(``code_redemption_reverse``); finance enters the streaming service's co-branded revenue
(``revenue_set``) and prepares, approves and issues last month's statement.

Idempotent: a partner whose co-promotion exists is left as it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from campaigns.contact.models import Delivery, DeliveryStatus
from campaigns.models import Campaign
from cms.demo.people import DEMO_APPROVER, DEMO_PARTNER, DemoLogin, _user
from partners.copromotions.models import CoPromotion
from partners.copromotions.services import (
    code_redeem,
    code_redemption_reverse,
    copromotion_approve,
    copromotion_code_claim,
    copromotion_codes_generate,
    copromotion_propose,
    copromotion_submit,
    copromotion_terms_set,
    copromotion_update_draft,
)
from partners.organisations.models import Partner, PartnerRole, PartnerUser
from partners.settlement.compute import month_start, previous_month
from partners.settlement.services import revenue_set, statement_approve, statement_issue, statement_prepare

DEMO_GADGETLAND_ADMIN = DemoLogin(
    "partner admin", "partner@gadgetland.example", "troika-partner-2026",
    "Gadgetland's administrator at /partners/; the portal asks for an authenticator app (TOTP) first",
)


@dataclass(frozen=True)
class DemoPartner:
    name: str
    slug: str
    login: DemoLogin
    proposal: dict
    codes: int
    terms: dict
    redeemed_last_month: int
    redeemed_this_month: int
    revenue_last_month: Decimal | None = None


DEMO_PARTNERS = [
    DemoPartner(
        "Streamly", "streamly", DEMO_PARTNER,
        {
            "title": "Two months of Streamly Premium",
            "offer_text_en": "Club members get two months of Streamly Premium free.",
            "offer_text_vi": "Hội viên được miễn phí hai tháng Streamly Premium.",
            "benefit_kind": "voucher",
            "budget": Decimal(20_000_000),
            "suggested_segments": [],
        },
        codes=60,
        terms={"funding_per_redemption": Decimal(45_000), "price_per_point": Decimal(0),
               "revenue_share_percent": Decimal(10)},
        redeemed_last_month=8, redeemed_this_month=3, revenue_last_month=Decimal(18_500_000),
    ),
    DemoPartner(
        "Gadgetland", "gadgetland", DEMO_GADGETLAND_ADMIN,
        {
            "title": "500 bonus points with a new phone",
            "offer_text_en": "Buy a phone at Gadgetland and get 500 bonus points.",
            "offer_text_vi": "Mua điện thoại tại Gadgetland, nhận 500 điểm thưởng.",
            "benefit_kind": "bonus_points",
            "bonus_points": 500,
            "budget": Decimal(30_000_000),
            "suggested_segments": [],
        },
        codes=40,
        terms={"funding_per_redemption": Decimal(5_000), "price_per_point": Decimal(20),
               "revenue_share_percent": None},
        redeemed_last_month=6, redeemed_this_month=2,
    ),
]


def partner_logins() -> list[DemoLogin]:
    """The partner admins' logins not already printed with the other demo logins."""
    return [DEMO_GADGETLAND_ADMIN]


@dataclass
class PartnersDemoResult:
    partners_created: int = 0
    codes_generated: int = 0
    redemptions: int = 0
    statements_issued: int = 0


def _marketer():
    from cms.demo.people import DEMO_MARKETER

    return _user(DEMO_MARKETER, is_staff=True)


def _approver():
    """The campaign approver acts as the operator's finance: partner revenue and statements."""
    return _user(DEMO_APPROVER, is_staff=True)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=timezone.get_current_timezone())


def _run_campaign(copromotion: CoPromotion, *, now: dt.datetime) -> None:
    """The marketers finish the campaign (portal channel, a one-shot send now) and publish it;
    the scheduler's tick sends it, as beat would."""
    campaign = Campaign.objects.get(pk=copromotion.campaign_id)
    campaign.schedule_kind = "one_shot"
    campaign.send_at = now
    campaign.send_portal = True
    campaign.save()
    campaign.save_revision().publish()


def _send_due(now: dt.datetime) -> None:
    from cms.demo.campaigns import demo_campaigns_send

    demo_campaigns_send(now=now)


def _reached_members(copromotion: CoPromotion, count: int) -> list[int]:
    return list(
        Delivery.objects.filter(
            campaign_id=copromotion.campaign_id, status__in=[DeliveryStatus.SENT, DeliveryStatus.VIEWED]
        ).order_by("member_id").values_list("member_id", flat=True)[:count]
    )


def _partner_with_admin(spec: DemoPartner) -> PartnerUser:
    partner, _ = Partner.objects.get_or_create(
        slug=spec.slug, defaults={"name": spec.name, "contact_email": spec.login.email}
    )
    user = _user(spec.login, first_name="Admin", last_name=spec.name)
    partner_user, _ = PartnerUser.objects.get_or_create(
        user=user, defaults={"partner": partner, "role": PartnerRole.ADMIN}
    )
    return partner_user


def _redeem(partner_user: PartnerUser, code: str, when: dt.datetime) -> int:
    result = code_redeem(
        partner_id=partner_user.partner_id, code=code, reference=f"POS-{when:%m%d%H}", at=when
    )
    if not result.is_success:
        raise RuntimeError(f"demo redemption of {code} refused: {result.error}")
    return result.redemption_id


def _copromotion(
    spec: DemoPartner, partner_user: PartnerUser, marketer, *, today: dt.date, now: dt.datetime
) -> CoPromotion:
    last_month = previous_month(month_start(today))
    data = {**spec.proposal, "starts_on": today, "ends_on": today + dt.timedelta(days=90)}
    partner_id = partner_user.partner_id
    copromotion = copromotion_propose(partner_id=partner_id, user_id=partner_user.user_id, data=data)
    copromotion_codes_generate(copromotion_id=copromotion.pk, count=spec.codes, partner_id=partner_id)
    copromotion_update_draft(
        copromotion_id=copromotion.pk, partner_id=partner_user.partner_id, user_id=partner_user.user_id,
        data={"starts_on": last_month},
    )
    copromotion_submit(copromotion_id=copromotion.pk, partner_id=partner_user.partner_id,
                       user_id=partner_user.user_id)
    copromotion_terms_set(copromotion_id=copromotion.pk, user_id=marketer.pk, **spec.terms)
    copromotion_approve(copromotion_id=copromotion.pk, user_id=marketer.pk, at=now)
    copromotion.refresh_from_db()
    _run_campaign(copromotion, now=now)
    return copromotion


def _redemptions(spec: DemoPartner, partner_user: PartnerUser, copromotion: CoPromotion, *,
                 today: dt.date, now: dt.datetime) -> int:
    last_month = previous_month(month_start(today))
    wanted = spec.redeemed_last_month + 1 + spec.redeemed_this_month
    members = _reached_members(copromotion, wanted)
    codes = []
    for member_id in members:
        claimed = copromotion_code_claim(member_id=member_id, copromotion_id=copromotion.pk)
        if claimed.is_success:
            codes.append(claimed.code)
    made = 0
    for n, code in enumerate(codes[: spec.redeemed_last_month]):
        _redeem(partner_user, code, _at(last_month + dt.timedelta(days=2 + 3 * n), 11 + n % 6))
        made += 1
    rest = codes[spec.redeemed_last_month:]
    if rest:  # redeemed and reversed the same day last month (the till cancelled it): nets out
        redemption_id = _redeem(partner_user, rest[0], _at(last_month + dt.timedelta(days=20), 15))
        code_redemption_reverse(
            partner_id=partner_user.partner_id, redemption_id=redemption_id, reference="cancelled at till",
            at=_at(last_month + dt.timedelta(days=20), 16),
        )
        made += 1
    this_month_start = _at(month_start(today), 0)
    for n, code in enumerate(rest[1:]):
        when = max(this_month_start, now - dt.timedelta(hours=2 + 5 * n))
        _redeem(partner_user, code, when)
        made += 1
    return made


def demo_partners_load(*, now: dt.datetime | None = None) -> PartnersDemoResult:
    now = now or timezone.now()
    today = timezone.localdate(now)
    last_month = previous_month(month_start(today))
    result = PartnersDemoResult()
    marketer = _marketer()
    finance = _approver()
    fresh: list[tuple[DemoPartner, PartnerUser, CoPromotion]] = []
    for spec in DEMO_PARTNERS:
        partner_user = _partner_with_admin(spec)
        title = spec.proposal["title"]
        if CoPromotion.objects.filter(partner_id=partner_user.partner_id, title=title).exists():
            continue
        copromotion = _copromotion(spec, partner_user, marketer, today=today, now=now)
        fresh.append((spec, partner_user, copromotion))
        result.partners_created += 1
        result.codes_generated += spec.codes
    if not fresh:
        return result
    _send_due(now)
    for spec, partner_user, copromotion in fresh:
        result.redemptions += _redemptions(spec, partner_user, copromotion, today=today, now=now)
        if spec.revenue_last_month is not None:
            revenue_set(copromotion_id=copromotion.pk, month=last_month, revenue=spec.revenue_last_month,
                        user_id=finance.pk, note="From Streamly's monthly report")
        statement = statement_prepare(partner_id=partner_user.partner_id, month=last_month).statement
        if statement.state == "draft":
            statement_approve(statement_id=statement.pk, user_id=finance.pk)
            statement_issue(statement_id=statement.pk, user_id=finance.pk)
            result.statements_issued += 1
    return result
