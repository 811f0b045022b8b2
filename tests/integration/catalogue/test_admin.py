"""The catalogue's admin screens: lists open for staff, actions call the services."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rewards.catalogue.models import Redemption, Reward, RewardStock, VoucherCode
from rewards.catalogue.services import redemption_create
from rewards.ledger.selectors import points_balance
from tests.factories import MemberFactory
from tests.integration.members.factories_admin import staff_with_mfa
from tests.mfa_login import login_with_mfa

from .factories import RewardFactory, give_points

pytestmark = pytest.mark.django_db

# Resolved at import, before the test database is created: loading the admin URLs registers
# the snippet viewsets, so that migrate creates the snippets' publish and lock permissions.
REWARD_ADD_URL = reverse("wagtailsnippets_catalogue_reward:add")

LISTS = [
    "/admin/rewards/catalogue/",
    "/admin/rewards/voucher-codes/",
    "/admin/rewards/redemptions/",
    "/admin/rewards/fulfilment/",
    "/admin/rewards/outbox/",
]
ALL_PERMISSIONS = (
    "wagtailadmin.access_admin",
    "catalogue.publish_reward",
    *(
        f"catalogue.{verb}_{model}"
        for verb in ("view", "add", "change")
        for model in ("reward", "vouchercode", "redemption", "fulfilment", "networkoutbox")
    ),
)


@pytest.fixture
def staff(client):
    login_with_mfa(client, staff_with_mfa(*ALL_PERMISSIONS))
    return client


@pytest.fixture
def redemption():
    member = MemberFactory()
    give_points(member, 100)
    result = redemption_create(
        member_id=member.pk, reward_id=RewardFactory(points_cost=60, stock=2).pk, idempotency_key="admin-1"
    )
    return Redemption.objects.get(pk=result.receipt.redemption_id)


@pytest.mark.parametrize("url", LISTS)
def test_staff_see_every_list(staff, redemption, url):
    response = staff.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize("url", LISTS[1:])
def test_records_have_no_add_screen(staff, url):
    assert staff.get(f"{url}new/").status_code in {302, 403}


def test_staff_cancel_a_redemption_with_a_reason(staff, redemption):
    url = reverse("catalogue_redemption_cancel", args=[redemption.pk])

    response = staff.post(url, {"reason": "customer called"})

    assert response.status_code == 302
    redemption.refresh_from_db()
    assert (redemption.state, redemption.cancel_reason) == ("cancelled", "customer called")
    assert points_balance(member_id=redemption.member_id).available == 100
    assert RewardStock.objects.get(reward_id=redemption.reward_id).remaining == 2


def test_cancel_without_a_reason_changes_nothing(staff, redemption):
    response = staff.post(reverse("catalogue_redemption_cancel", args=[redemption.pk]), {"reason": ""})

    assert response.status_code == 200
    redemption.refresh_from_db()
    assert redemption.state == "confirmed"


def test_staff_without_permission_cannot_cancel(client, redemption):
    login_with_mfa(client, staff_with_mfa("wagtailadmin.access_admin", "catalogue.view_redemption"))

    response = client.post(reverse("catalogue_redemption_cancel", args=[redemption.pk]), {"reason": "x" * 5})

    assert response.status_code == 302  # Wagtail's "no permission" redirect
    assert response.url != reverse("catalogue_redemptions:index")
    redemption.refresh_from_db()
    assert redemption.state == "confirmed"


def test_staff_upload_and_generate_codes(staff):
    reward = RewardFactory(partner_voucher=True)
    url = reverse("catalogue_reward_codes", args=[reward.pk])
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = staff.post(url, {"codes_file": SimpleUploadedFile("codes.csv", b"AAA111\nBBB222\nAAA111\n\n")})
    generate = staff.post(url, {"generate": 5, "prefix": "STRM-"})

    assert upload.status_code == generate.status_code == 302
    codes = set(VoucherCode.objects.filter(reward=reward).values_list("code", flat=True))
    assert {"AAA111", "BBB222"} <= codes and len(codes) == 7
    assert sum(code.startswith("STRM-") for code in codes) == 5


def test_an_upload_with_a_bad_line_adds_nothing(staff):
    reward = RewardFactory(partner_voucher=True)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = staff.post(
        reverse("catalogue_reward_codes", args=[reward.pk]),
        {"codes_file": SimpleUploadedFile("codes.txt", b"GOOD1\nhas space\n")},
    )

    assert response.status_code == 200
    assert "line 2" in response.content.decode()
    assert not VoucherCode.objects.exists()


def test_staff_add_stock_by_a_delta(staff):
    reward = RewardFactory(stock=3)

    staff.post(reverse("catalogue_reward_stock", args=[reward.pk]), {"delta": 4})
    refused = staff.post(reverse("catalogue_reward_stock", args=[reward.pk]), {"delta": -10})

    assert refused.status_code == 200
    assert RewardStock.objects.get(reward=reward).remaining == 7


REWARD_FORM = {
    "name": "1 GB data",
    "kind": "data_pack",
    "description": "",
    "points_cost": "60",
    "credit_amount": "",
    "data_mb": "1024",
    "voice_minutes": "",
    "limit_count": "",
    "limit_period": "",
    "minimum_tier": "",
    "valid_from": "",
    "valid_until": "",
    "image": "",
    "cancellation_window_hours": "24",
}


def test_staff_create_and_publish_a_reward(staff):
    response = staff.post(REWARD_ADD_URL, {**REWARD_FORM, "action-publish": "publish"})

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    reward = Reward.objects.get()
    assert (reward.name, reward.live, reward.data_mb) == ("1 GB data", True, 1024)


def test_a_reward_with_values_of_another_kind_is_refused(staff):
    response = staff.post(
        REWARD_ADD_URL, {**REWARD_FORM, "voice_minutes": "100", "action-publish": "publish"}
    )

    assert response.status_code == 200
    assert "voice_minutes" in response.context["form"].errors
    assert not Reward.objects.exists()
