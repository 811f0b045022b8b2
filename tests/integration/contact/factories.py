"""Campaigns, members and policies for the contact tests."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from campaigns.audiences.models import Audience
from campaigns.contact.models import ContactPolicy
from campaigns.models import Campaign, CampaignMessage
from tests.factories import MemberFactory, UserFactory

AT = dt.datetime(2026, 11, 24, 5, 0, tzinfo=dt.UTC)  # 12:00 in Ho Chi Minh City
_names = itertools.count()


def everyone() -> Audience:
    audience, _created = Audience.objects.get_or_create(name="Everyone")
    return audience


def campaign(**fields) -> Campaign:
    """A live campaign for everyone on the portal unless told otherwise, with messages in
    English and Vietnamese."""
    defaults = {
        "name": f"Campaign {next(_names)}", "objective": "retain", "relationship_tier": "financial",
        "audience": everyone(), "send_portal": True, "live": True,
    }
    created = Campaign.objects.create(**{**defaults, **fields})
    for language in ("en", "vi"):
        CampaignMessage.objects.create(
            campaign=created, language=language, title=f"{created.name} ({language})",
            body=f"Hello from {created.name} in {language}", sms_text=f"SMS {created.name} {language}",
        )
    return created


def member(*, email: str | None = None, **fields):
    """A member who consents to everything and has no quiet hours of their own."""
    defaults = {
        "consent_marketing": True, "consent_email": True, "consent_sms": True, "consent_portal": True,
        "time_zone": "Asia/Ho_Chi_Minh",
    }
    if email is not None:
        fields["user"] = UserFactory(email=email)
    return MemberFactory(**{**defaults, **fields})


def policy(**fields) -> ContactPolicy:
    """The contact policy with no caps, no quiet hours and free channels, changed by ``fields``."""
    values = {
        "portal_max": None, "email_max": None, "sms_max": None, "fatigue_max": None,
        "quiet_hours_start": None, "quiet_hours_end": None,
        "portal_cost": Decimal(0), "email_cost": Decimal(0), "sms_cost": Decimal(0),
        **fields,
    }
    current = ContactPolicy.load()
    for name, value in values.items():
        setattr(current, name, value)
    current.save()
    return current
