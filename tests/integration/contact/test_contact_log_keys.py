"""The contact log (deliveries, suppressions) has no database foreign keys (docs/fanout.md):
Django's PROTECT and CASCADE still hold for every delete made through the ORM."""

from __future__ import annotations

import pytest
from django.db.models import ProtectedError

from campaigns.contact.models import Delivery, Suppression

from .factories import campaign, member, policy
from .test_reserve import reserve

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged():
    policy()
    reached, refused = member(), member(consent_marketing=False)
    sent = campaign(name="Weekend data", send_portal=True)
    reserve(sent, members=[reached, refused])
    assert Delivery.objects.filter(member=reached).count() == 1
    assert Suppression.objects.filter(member=refused).count() == 1
    return sent, reached, refused


def test_a_campaign_with_records_cannot_be_deleted(logged):
    sent, _reached, _refused = logged
    with pytest.raises(ProtectedError):
        sent.delete()
    assert Delivery.objects.filter(campaign=sent).count() == 1
    assert Suppression.objects.filter(campaign=sent).count() == 1


def test_deleting_members_deletes_their_records(logged):
    sent, reached, refused = logged
    reached.delete()
    refused.delete()
    assert not Delivery.objects.filter(campaign=sent).exists()
    assert not Suppression.objects.filter(campaign=sent).exists()
