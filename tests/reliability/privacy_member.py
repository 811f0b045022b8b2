"""One member with at least one row in every table the personal-data registry declares, made
through the services where one exists (the ledger, redemptions, bundles, partner codes, the
contact log), for tests/reliability/test_r15_privacy.py.

Every identifier is a distinctive token, so a scan of the whole database or Redis for it finds
this member's data and nothing else's."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from allauth.account.models import EmailAddress, EmailConfirmation
from allauth.mfa.models import Authenticator
from django.utils import timezone
from wagtail.users.models import UserProfile

from campaigns.contact.models import ContactState, Suppression
from campaigns.offers.services import offer_accept_delivery
from club.audit.services import personal_data_viewed
from club.care.models import (
    AccountManager,
    Complaint,
    ComplaintUpdate,
    ManagerAssignment,
    Survey,
    SurveyResponse,
)
from club.care.services import contact_log_add
from club.events.models import CalendarFeed, Rsvp
from club.members.models import ConsentPurpose, ConsentRecord, Interest, LineLinkChallenge, Member
from club.members.services.consent import member_consent_set
from club.membership.models import ClubMembership, StripeEventInbox
from club.profiles.models import MemberProfile, SegmentOverride
from partners.copromotions.models import PartnerRedemption, PromotionCode
from rewards.activity.models import MonthlyActivity
from rewards.billing.models import BillingEvent, QuarantinedEvent
from rewards.bundles.services.order import bundle_order_place
from rewards.catalogue.services.redemption import redemption_create
from rewards.earning.models import EarningCounter
from rewards.ledger.models import SourceType
from rewards.ledger.services.debits import points_spend
from rewards.ledger.services.grants import points_grant
from rewards.tiers.models import MemberTier, TierChange
from tests.factories import EarningRuleFactory, MemberFactory, StaffUserFactory, TierFactory, UserFactory
from tests.integration.bundles.factories import template
from tests.integration.campaigns.factories import delivered
from tests.integration.catalogue.factories import RewardFactory
from tests.integration.events.conftest import make_event, make_index
from tests.integration.partners.copromotion_factories import running_copromotion
from tests.partner_fixtures import PartnerUserFactory

NOW = timezone.now().replace(microsecond=0)


@dataclass(frozen=True)
class Identity:
    email: str = "quyen.lightfoot@example.test"
    first_name: str = "Quyenzia"
    last_name: str = "Lightfootova"
    msisdn: str = "+84917365420"
    account_number: str = "ACC-QZ-73654"
    stripe_customer: str = "cus_QZ1"  # kept in the membership (Stripe's key), scrubbed from payloads
    ip: str = "203.0.113.57"
    street: str = "17 Ngõ Quỳnhzia"
    city: str = "Đông Hàzia"
    written: str = "Zephyrine"  # a word the member and staff wrote about the person

    def tokens(self) -> dict[str, str]:
        """What must not be found anywhere after the erasure, by name."""
        return {
            "email": self.email, "first_name": self.first_name, "last_name": self.last_name,
            "msisdn": self.msisdn, "msisdn_digits": self.msisdn.lstrip("+"),
            "account_number": self.account_number, "ip": self.ip, "street": self.street,
            "city": self.city, "written": self.written,
        }


ME = Identity()


def member_with_everything(*, segment: str = "vip") -> tuple[Member, dict]:
    """The member, and the objects the reports read (campaign, partner)."""
    user = UserFactory(email=ME.email, first_name=ME.first_name, last_name=ME.last_name, phone=ME.msisdn)
    member = MemberFactory(
        msisdn=ME.msisdn, account_number=ME.account_number, user=user, city=ME.city, segment=segment,
        birth_date=dt.date(1991, 3, 4), attributes={"handset": "Z9", "nickname": ME.first_name},
    )
    _login_rows(user, member)
    _club_rows(member)
    _reward_rows(member)
    context = _campaign_and_partner_rows(member)
    return member, context


def _login_rows(user, member) -> None:
    address = EmailAddress.objects.get(user=user)
    EmailConfirmation.objects.create(email_address=address, key="k" * 64, sent=NOW)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "S" * 32})
    UserProfile.objects.create(user=user)
    LineLinkChallenge.objects.create(user=user, member=member, code_digest="c" * 64, expires_at=NOW)
    member.interests.set([Interest.objects.get_or_create(slug="travel", defaults={"name": "Travel"})[0]])
    for purpose in (ConsentPurpose.MARKETING, ConsentPurpose.PROFILING, ConsentPurpose.CHANNEL_EMAIL):
        member_consent_set(member_id=member.pk, purpose=purpose, granted=True,
                           source=ConsentRecord.Source.PORTAL)


def _club_rows(member) -> None:
    ClubMembership.objects.create(
        member=member, source="paid", status="active", stripe_customer_id=ME.stripe_customer,
        stripe_subscription_id="sub_QZ1", stripe_status="active")
    StripeEventInbox.objects.create(
        event_id="evt_QZ1", type="checkout.session.completed", created=NOW, outcome="applied", member=member,
        payload={"customer_details": {"email": ME.email, "name": f"{ME.first_name} {ME.last_name}"}})
    # Stripe events no membership claimed, and a billing event refused before the line was a member
    StripeEventInbox.objects.create(
        event_id="evt_QZ2", type="customer.updated", created=NOW, outcome="unmatched",
        payload={"customer": ME.stripe_customer, "email": ME.email.upper()})
    QuarantinedEvent.objects.create(
        raw={"event_id": "bill-QZ-0", "msisdn": ME.msisdn, "account": ME.account_number, "amount": "ten"},
        reasons=[f"Unknown member {ME.msisdn}."], reason="unknown_member", source="api", received_at=NOW,
        digest="q" * 64)
    event = make_event(make_index())
    Rsvp.objects.create(event=event, member=member, status="confirmed", confirmed_at=NOW)
    CalendarFeed.objects.create(member=member)
    staff = StaffUserFactory()
    personal_data_viewed(member=member, user=staff, screen="member")  # an audit entry
    manager = AccountManager.objects.create(user=staff, display_name="Manager", phone="+84900000001",
                                            email="manager@operator.test")
    ManagerAssignment.objects.create(member=member, manager=manager, source="hand", assigned_at=NOW)
    contact_log_add(member_id=member.pk, staff_user=staff, kind="call", happened_at=NOW,
                    summary=f"Called {ME.first_name} about {ME.written}.", follow_up_on=dt.date.today())
    complaint = Complaint.objects.create(
        member=member, category="billing", subject=f"{ME.written} overcharged",
        description=f"I am {ME.written}.",
        created_at=NOW, first_response_due=NOW, resolution_due=NOW, resolution=f"Refunded {ME.first_name}.")
    ComplaintUpdate.objects.create(complaint=complaint, kind="response", at=NOW, staff_user=staff,
                                   message=f"Dear {ME.first_name} {ME.last_name}")
    scores = dict.fromkeys((
        "product_satisfaction", "product_importance", "pre_sale_satisfaction", "pre_sale_importance",
        "in_sale_satisfaction", "in_sale_importance", "after_sale_satisfaction", "after_sale_importance",
        "manager_satisfaction", "manager_importance"), 4)
    SurveyResponse.objects.create(survey=Survey.objects.create(title="Q4", live=True), member=member, nps=9,
                                  comment=f"{ME.written} likes it", answered_at=NOW, **scores)
    MemberProfile.objects.create(member=member, as_of=dt.date.today(), refreshed_at=NOW, churn_score=0.4,
                                 churn_factors=[{"feature": "tenure", "weight": 0.2}], churn_scored_at=NOW)
    SegmentOverride.objects.create(member=member, segment=member.segment, reason=f"{ME.first_name} asked",
                                   created_by=staff)
    MonthlyActivity.objects.create(member=member, month=dt.date.today().replace(day=1),
                                   spend=Decimal(250_000))
    BillingEvent.objects.create(event_id="bill-QZ-1", kind="top_up", member=member, occurred_at=NOW,
                                received_at=NOW, state="applied", source="api", amount=Decimal(100_000))


def _reward_rows(member) -> None:
    points_grant(member_id=member.pk, points=5_000, reason="Top-up", idempotency_key="qz-grant",
                         source_type=SourceType.BILLING_EVENT, earned_at=NOW - dt.timedelta(days=40))
    points_spend(member_id=member.pk, points=100, reason="Spent", source_type=SourceType.REDEMPTION,
                 idempotency_key="qz-spend")
    address = {"recipient": f"{ME.first_name} {ME.last_name}", "phone": ME.msisdn, "line1": ME.street,
               "city": ME.city}
    for key, reward in (("qz-ship", RewardFactory(merchandise=True)), ("qz-data", RewardFactory()),
                        ("qz-code", RewardFactory(partner_voucher=True, codes=2))):
        result = redemption_create(member_id=member.pk, reward_id=reward.pk, idempotency_key=key,
                                   delivery_address=address if key == "qz-ship" else None)
        assert result.is_success, result.message
    tier = TierFactory()
    MemberTier.objects.update_or_create(member=member, defaults={
        "tier": tier, "since": dt.date.today(), "qualified_until": dt.date.today() + dt.timedelta(days=365)})
    TierChange.objects.create(member=member, to_tier=tier, on=dt.date.today(), reason="initial")
    EarningCounter.objects.create(member=member, rule=EarningRuleFactory(), period_start=dt.date.today())
    ordered = bundle_order_place(member_id=member.pk, template_id=template().pk, idempotency_key="qz-bundle",
                                 source="portal")
    assert ordered.error is None, ordered.message


def _campaign_and_partner_rows(member) -> dict:
    partner_user = PartnerUserFactory(partner__name="Streamly", partner__slug="streamly")
    copromotion = running_copromotion(partner_user, codes=["QZ-CODE-1", "QZ-CODE-2"], benefit_kind="discount",
                                      discount_percent=Decimal(15))
    delivery = delivered(copromotion.campaign, member)
    taken = offer_accept_delivery(member_id=member.pk, delivery_id=delivery.pk)
    code = PromotionCode.objects.get(member=member)
    PartnerRedemption.objects.create(copromotion=copromotion, partner=copromotion.partner, code=code,
                                     redeemed_at=NOW, amount=Decimal(50_000))
    failed = delivered(copromotion.campaign, member, occurrence="again", channel="email")
    failed.__class__.objects.filter(pk=failed.pk).update(status="failed", error=f"550 {ME.email} rejected")
    Suppression.objects.create(campaign=copromotion.campaign, member=member, channel="sms", occurrence="once",
                               reason="no_marketing_consent", at=NOW)
    ContactState.objects.get_or_create(member=member)
    assert not taken.error, taken.message
    return {"campaign": copromotion.campaign, "partner": copromotion.partner}
