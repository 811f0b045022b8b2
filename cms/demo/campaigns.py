"""The demo operator's campaigns (issue 4): a birthday bonus, a tenure-anniversary discount,
a win-back for lapsed prepaid lines, a budget pack for Control Seekers and a VIP invitation.

Audiences and campaigns are found by name: a second run changes nothing, and a marketer's
later edits are kept. Campaigns are published through a revision, as the approval workflow
would, so each has a history in the admin.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from campaigns.audiences.models import Audience
from campaigns.models import Campaign, CampaignMessage
from club.events.models import EventPage
from cms.demo.financial_bundles import CONTROL_SEEKERS_BUDGET_PACK
from rewards.bundles.models import BundleTemplate
from rewards.catalogue.models import Reward
from rewards.tiers.models import Tier

AUDIENCES = {
    "Everyone": ("all", []),
    "Lapsed prepaid lines": ("all", [
        ("plan", {"payment_plans": ["prepaid"], "tariff_kinds": [], "plan_name_match": "contains",
                  "plan_name": "", "exclude": False}),
        ("no_usage", {"days": 30, "exclude": False}),
    ]),
    "Control Seekers": ("all", [("segment", {"segments": ["control_seekers"], "exclude": False})]),
    # The VIP night's page admits Gold and above: inviting anyone else would invite a refusal.
    "Gold and above": ("all", [
        ("tier", {"tiers": "gold platinum", "exclude": False}),  # codes, turned into ids below
    ]),
}


@dataclass(frozen=True)
class DemoCampaign:
    name: str
    audience: str
    objective: str
    relationship_tier: str
    fields: dict
    messages: dict[str, tuple[str, str, str]]  # language -> title, body, SMS text
    channels: tuple[str, ...] = ("portal",)
    reward: str = ""
    event: str = ""  # an event page's slug (cms.demo.events)
    bundle: str = ""  # a bundle template's code (cms.demo.financial_bundles)
    extra: dict = field(default_factory=dict)


DEMO_CAMPAIGNS = [
    DemoCampaign(
        "Birthday bonus", "Everyone", "reward", "financial",
        {"schedule_kind": "triggered", "trigger": "birthday", "offer_kind": "bonus_points",
         "bonus_points": 300, "max_per_window": 1, "window_days": 365, "priority": 70,
         "holdout_percent": Decimal(10)},
        {"en": ("Happy birthday!", "A present from the club: 300 bonus points, yours with one tap.",
                "Happy birthday from Sao Mobile Club! 300 bonus points are waiting in your club inbox."),
         "vi": ("Chúc mừng sinh nhật!", "Quà từ câu lạc bộ: 300 điểm thưởng, nhận chỉ với một chạm.",
                "Sao Mobile Club chúc mừng sinh nhật! 300 điểm thưởng đang chờ bạn trong hộp thư.")},
        channels=("portal", "sms"),
    ),
    DemoCampaign(
        "Tenure anniversary discount", "Everyone", "retain", "financial",
        {"schedule_kind": "triggered", "trigger": "activation_anniversary", "offer_kind": "discount",
         "discount_percent": Decimal(5), "offer_valid_days": 30, "max_per_window": 1, "window_days": 365,
         "priority": 60, "holdout_percent": Decimal(10)},
        {"en": ("Another year together", "Thank you for another year with us: 5% off your bills for 30 days.",
                "Another year with Sao Mobile: take 5% off your bills for 30 days in your club inbox."),
         "vi": ("Thêm một năm đồng hành",
                "Cảm ơn bạn thêm một năm bên chúng tôi: giảm 5% hóa đơn trong 30 ngày.",
                "Them mot nam cung Sao Mobile: giam 5% hoa don trong 30 ngay, nhan trong hop thu.")},
        channels=("portal", "email"),
    ),
    DemoCampaign(
        "We miss you: prepaid win-back", "Lapsed prepaid lines", "win_back", "financial",
        {"schedule_kind": "recurring", "cron": "0 10 * * mon", "offer_kind": "bonus_points",
         "bonus_points": 200, "max_per_window": 1, "window_days": 28, "lifetime_max": 3, "priority": 50,
         "holdout_percent": Decimal(20), "budget": Decimal(5_000_000), "cost_per_delivery": Decimal(500)},
        {"en": ("We miss you", "Top up this week and take 200 bonus points on us.",
                "We miss you! Top up this week and take 200 bonus points: open your club inbox."),
         "vi": ("Chúng tôi nhớ bạn", "Nạp tiền trong tuần này và nhận 200 điểm thưởng.",
                "Sao Mobile nho ban! Nap tien tuan nay va nhan 200 diem thuong trong hop thu.")},
        channels=("sms", "portal"),
    ),
    DemoCampaign(
        "Budget pack for Control Seekers", "Control Seekers", "upsell", "structural",
        {"schedule_kind": "one_shot", "offer_kind": "bundle", "discount_percent": Decimal(10), "priority": 40,
         "holdout_percent": Decimal(10), "max_per_window": 1, "window_days": 30},
        {"en": ("2 GB, no surprises", "2 GB, 60 minutes and 50 SMS a month with a spending cap, 10% off your "
                "price: no bill shock, ever.", ""),
         "vi": ("2 GB, không bất ngờ", "2 GB, 60 phút và 50 SMS mỗi tháng với hạn mức chi tiêu, "
                "giảm thêm 10%: không bao giờ lo hóa đơn.", "")},
        channels=("portal", "email"), bundle=CONTROL_SEEKERS_BUDGET_PACK,
    ),
    DemoCampaign(
        "VIP invitation: football night", "Gold and above", "reward", "social",
        {"schedule_kind": "one_shot", "offer_kind": "event", "priority": 90, "holdout_percent": Decimal(0),
         "lifetime_max": 1},
        {"en": ("You're invited: derby night", "The derby on the big screen in the club's sky lounge, with "
                "dinner. Book your place: you and one guest.",
                "Sao Mobile Club invites you to derby night: book your place in your club inbox."),
         "vi": ("Thư mời: đêm bóng đá", "Trận derby trên màn hình lớn tại sky lounge của câu lạc bộ, kèm bữa "
                "tối. Đặt chỗ cho bạn và một khách.",
                "Sao Mobile Club moi ban xem derby: dat cho trong hop thu cau lac bo.")},
        channels=("portal", "sms", "email"), event="vip-football-night",
    ),
]


@dataclass(frozen=True)
class CampaignsDemoResult:
    audiences_created: int
    campaigns_created: int
    runs_started: int = 0


def _conditions(conditions: list) -> list:
    tiers = dict(Tier.objects.values_list("code", "pk"))
    resolved = []
    for kind, value in conditions:
        if kind == "tier":
            value = {**value, "tiers": [str(tiers[code]) for code in value["tiers"].split() if code in tiers]}
        resolved.append((kind, value))
    return resolved


@transaction.atomic
def demo_campaigns_load(*, now: dt.datetime | None = None) -> CampaignsDemoResult:
    now = now or timezone.now()
    audiences_created = 0
    audiences = {}
    for name, (match, conditions) in AUDIENCES.items():
        audience = Audience.objects.filter(name=name).first()
        if audience is None:
            audience = Audience.objects.create(name=name, match=match, conditions=_conditions(conditions))
            audience.save_revision()
            audiences_created += 1
        audiences[name] = audience
    created = 0
    for spec in DEMO_CAMPAIGNS:
        if Campaign.objects.filter(name=spec.name).exists():
            continue
        campaign = Campaign(
            name=spec.name, audience=audiences[spec.audience], objective=spec.objective,
            relationship_tier=spec.relationship_tier, live=False,
            send_portal="portal" in spec.channels, send_email="email" in spec.channels,
            send_sms="sms" in spec.channels,
            reward=Reward.objects.filter(name=spec.reward).first() if spec.reward else None,
            event=EventPage.objects.filter(slug=spec.event).first() if spec.event else None,
            bundle=BundleTemplate.objects.filter(code=spec.bundle).first() if spec.bundle else None,
            send_at=now if spec.fields["schedule_kind"] == "one_shot" else None,
            **spec.fields,
        )
        campaign.messages = [CampaignMessage(language=language, title=title, body=body, sms_text=sms)
                             for language, (title, body, sms) in spec.messages.items()]
        campaign.full_clean()
        campaign.save()
        campaign.save_revision().publish()
        created += 1
    return CampaignsDemoResult(audiences_created, created)


def demo_campaigns_send(*, now: dt.datetime | None = None) -> int:
    """One scheduler tick, as beat would run it: the one-shot campaigns and today's triggered
    ones start sending (with eager Celery, the embedded mode, they are sent by the time this
    returns). The demo's emails and SMS are kept in memory rather than printed. A second run
    starts nothing: each campaign occurrence runs once. Returns the runs started."""
    from django.test import override_settings

    from campaigns.sends.services.plan import sends_tick

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
                           SMS_BACKEND="club.members.sms.LocmemSmsBackend"):
        return len(sends_tick(now=now).runs)
