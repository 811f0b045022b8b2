"""Everything Troika holds about one member, as one JSON-ready document (the portal's data
export; the format is described in docs/privacy.md).

It reads across club, rewards and campaigns, so it lives in cms, the top layer, the only one
allowed to read them all. Rows are exported column by column (``values()``), so a column
added to one of these tables appears in the export without a change here; only internal
digests and fingerprints (which identify nothing to the member) are left out.
"""

from __future__ import annotations

import datetime as dt
import json

from allauth.account.models import EmailAddress
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, QuerySet
from django.utils import timezone

from campaigns.contact.models import Delivery, Suppression
from campaigns.offers.models import OfferAcceptance
from club.care.models import Complaint, ComplaintUpdate, ContactLogEntry, ManagerAssignment, SurveyResponse
from club.events.models import Rsvp
from club.members.models import ConsentRecord, Member, MemberErasure
from club.members.selectors import member_current_consents
from rewards.bundles.models import BundleOrder, BundleOutbox
from rewards.catalogue.models import Fulfilment, NetworkOutbox, Redemption
from rewards.ledger.models import LedgerEntry, PointLot, PointsAccount
from rewards.tiers.models import MemberTier, TierChange

EXPORT_FORMAT_VERSION = 1
# Internal: digests and request fingerprints prove or deduplicate, they describe nobody.
_INTERNAL_FIELDS = {"billing_detail_digest", "request_fingerprint"}
_MEMBER_PREFERENCE_FIELDS = (
    "language", "time_zone", "max_messages_per_week", "quiet_hours_start", "quiet_hours_end",
)


def _rows(queryset: QuerySet, *, exclude: tuple[str, ...] = ()) -> list[dict]:
    model: type[Model] = queryset.model
    names = [
        field.attname for field in model._meta.concrete_fields
        if field.attname not in _INTERNAL_FIELDS and field.name not in exclude
    ]
    return list(queryset.order_by("pk").values(*names))


def member_data_export(*, member_id: int, now: dt.datetime | None = None) -> dict:
    """The export of one member's data: a dict of plain values (dates, decimals and times are
    turned into strings by ``member_data_export_json``)."""
    member = Member.objects.prefetch_related("interests").get(pk=member_id)
    by_member = {"member_id": member_id}
    member_row = _rows(Member.objects.filter(pk=member_id))[0]
    redemptions = Redemption.objects.filter(**by_member)
    return {
        "format": "troika-member-export",
        "version": EXPORT_FORMAT_VERSION,
        "exported_at": now or timezone.now(),
        "member": member_row,
        "preferences": {
            **{name: getattr(member, name) for name in _MEMBER_PREFERENCE_FIELDS},
            "interests": [{"slug": i.slug, "name": i.name} for i in member.interests.all()],
        },
        "consents": [
            {"purpose": c.purpose, "granted": c.is_granted, "changed_at": c.changed_at}
            for c in member_current_consents(member=member)
        ],
        "consent_history": _rows(ConsentRecord.objects.filter(**by_member)),
        "login_emails": _login_emails(member.user_id),
        "points_account": _rows(PointsAccount.objects.filter(**by_member)),
        "ledger_entries": _rows(LedgerEntry.objects.filter(**by_member)),
        "point_lots": _rows(PointLot.objects.filter(**by_member)),
        "tier": _rows(MemberTier.objects.filter(**by_member)),
        "tier_changes": _rows(TierChange.objects.filter(**by_member)),
        "redemptions": _rows(redemptions),
        "fulfilments": _rows(Fulfilment.objects.filter(redemption__in=redemptions)),
        "network_outbox": _rows(NetworkOutbox.objects.filter(**by_member)),
        "offer_deliveries": _rows(Delivery.objects.filter(**by_member)),
        "offer_suppressions": _rows(Suppression.objects.filter(**by_member)),
        "offer_acceptances": _rows(OfferAcceptance.objects.filter(**by_member)),
        "event_rsvps": _rows(Rsvp.objects.filter(**by_member)),
        "account_manager": _rows(ManagerAssignment.objects.filter(**by_member)),
        "contact_log": _rows(ContactLogEntry.objects.filter(**by_member)),
        "bundle_orders": _rows(BundleOrder.objects.filter(**by_member)),
        "bundle_outbox": _rows(BundleOutbox.objects.filter(**by_member)),
        "erasure": _rows(MemberErasure.objects.filter(**by_member)),
        "complaints": _rows(Complaint.objects.filter(**by_member)),
        "complaint_updates": _rows(ComplaintUpdate.objects.filter(complaint__member_id=member_id)),
        "survey_responses": _rows(SurveyResponse.objects.filter(**by_member)),
    }


def _login_emails(user_id: int | None) -> list[dict]:
    if user_id is None:
        return []
    return list(EmailAddress.objects.filter(user_id=user_id).order_by("pk")
                .values("email", "verified", "primary"))


def member_data_export_json(*, member_id: int) -> str:
    return json.dumps(member_data_export(member_id=member_id), cls=DjangoJSONEncoder,
                      ensure_ascii=False, indent=2)
