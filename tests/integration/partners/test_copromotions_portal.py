"""The co-promotion pages of the partner portal: scoped by partner, admins act, analysts read,
figures only (no member's data)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from partners.copromotions.models import CoPromotion, PromotionCode
from partners.copromotions.services import (
    code_redeem,
    copromotion_codes_generate,
    copromotion_propose,
    copromotion_submit,
)
from partners.organisations.models import PartnerRole
from tests.partner_fixtures import PartnerUserFactory, partner_login

from .copromotion_factories import give_code, proposal, running_copromotion

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return PartnerUserFactory(partner__name="Streamly", partner__slug="streamly")


@pytest.fixture
def analyst(admin):
    return PartnerUserFactory(partner=admin.partner, role=PartnerRole.ANALYST)


@pytest.fixture
def other():
    return PartnerUserFactory(partner__name="Gadgetland", partner__slug="gadgetland")


def as_user(client, partner_user):
    partner_login(client, partner_user.user)
    return client


def form_data(**changes):
    today = timezone.localdate()
    data = {
        "title": "Two months free",
        "offer_text_en": "Two months of Streamly free.",
        "offer_text_vi": "",
        "offer_text_zh_hans": "",
        "offer_text_ru": "",
        "benefit_kind": "bonus_points",
        "bonus_points": "500",
        "discount_percent": "",
        "discount_amount": "",
        "budget": "2000000",
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=30)).isoformat(),
        "suggested_segments": ["vip"],
    }
    data.update(changes)
    return data


def test_an_admin_proposes_adds_codes_and_submits(client, admin):
    as_user(client, admin)

    created = client.post(reverse("partners:copromotion_new"), form_data())
    copromotion = CoPromotion.objects.get()
    assert created.status_code == 302
    assert created["Location"] == reverse("partners:copromotion_detail", args=[copromotion.pk])
    assert (copromotion.partner_id, copromotion.bonus_points, copromotion.state) == (
        admin.partner_id,
        500,
        "draft",
    )

    codes_url = reverse("partners:copromotion_codes", args=[copromotion.pk])
    bad = client.post(codes_url, {"file": SimpleUploadedFile("codes.txt", b"GOOD-0001\nno way\n")})
    assert bad.status_code == 400
    assert "line 2: a code has 4 to 64 letters" in bad.content.decode()
    assert (
        client.post(
            codes_url, {"file": SimpleUploadedFile("codes.txt", b"GOOD-0001\nGOOD-0002\n")}
        ).status_code
        == 302
    )
    assert client.post(codes_url, {"count": "20"}).status_code == 302
    assert PromotionCode.objects.filter(copromotion=copromotion).count() == 22

    submitted = client.post(reverse("partners:copromotion_submit", args=[copromotion.pk]))
    copromotion.refresh_from_db()
    assert submitted.status_code == 302
    assert (copromotion.state, copromotion.campaign.live) == ("submitted", False)


def test_a_bad_proposal_shows_the_problem_and_saves_nothing(client, admin):
    as_user(client, admin)

    response = client.post(
        reverse("partners:copromotion_new"), form_data(bonus_points="", ends_on="2000-01-01")
    )

    assert response.status_code == 400
    assert set(response.context["form"].errors) >= {"bonus_points", "ends_on"}
    assert CoPromotion.objects.count() == 0


def test_a_draft_is_edited_but_a_submitted_one_is_not(client, admin):
    as_user(client, admin)
    copromotion = copromotion_propose(partner_id=admin.partner_id, user_id=admin.user_id, data=proposal())
    edit_url = reverse("partners:copromotion_edit", args=[copromotion.pk])

    assert client.get(edit_url).status_code == 200
    assert client.post(edit_url, form_data(title="Three months free")).status_code == 302
    assert CoPromotion.objects.get().title == "Three months free"

    copromotion_codes_generate(copromotion_id=copromotion.pk, count=3)
    copromotion_submit(copromotion_id=copromotion.pk, partner_id=admin.partner_id, user_id=admin.user_id)
    refused = client.post(edit_url, form_data(title="Changed after review"))
    assert refused.status_code == 302
    assert CoPromotion.objects.get().title == "Three months free"


def test_the_list_shows_the_partners_own_with_live_figures_and_no_member_data(client, admin, other):
    copromotion = running_copromotion(admin, codes=["CODE-0001", "CODE-0002"])
    code = give_code(copromotion)
    code_redeem(partner_id=admin.partner_id, code=code.code)
    theirs = running_copromotion(other, codes=["THEIR-0001"], title="Gadget week")
    as_user(client, admin)

    listing = client.get(reverse("partners:copromotions"))
    detail = client.get(reverse("partners:copromotion_detail", args=[copromotion.pk]))

    rows = listing.context["rows"]
    assert [(row.copromotion.pk, row.status, row.stats.delivered, row.stats.redeemed) for row in rows] == [
        (copromotion.pk, "running", 1, 1)
    ]
    body = listing.content.decode() + detail.content.decode()
    assert "Gadget week" not in body
    member = code.member
    for personal in (member.msisdn, member.account_number):
        assert personal not in body
    assert code.code not in body  # no member's code either
    assert client.get(reverse("partners:copromotion_detail", args=[theirs.pk])).status_code == 404


@pytest.mark.parametrize(
    ("name", "method", "data"),
    [
        ("copromotion_detail", "get", None),
        ("copromotion_edit", "get", None),
        ("copromotion_edit", "post", {"title": "Hijacked"}),
        ("copromotion_submit", "post", {}),
        ("copromotion_codes", "post", {"count": "5"}),
    ],
    ids=["detail", "edit-get", "edit-post", "submit", "codes"],
)
def test_another_partners_copromotion_is_404_and_unchanged(client, admin, other, name, method, data):
    copromotion = copromotion_propose(partner_id=other.partner_id, user_id=other.user_id, data=proposal())
    as_user(client, admin)

    response = getattr(client, method)(reverse(f"partners:{name}", args=[copromotion.pk]), data)

    assert response.status_code == 404
    copromotion.refresh_from_db()
    assert (copromotion.title, copromotion.state, copromotion.codes.count()) == (
        proposal()["title"],
        "draft",
        0,
    )


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("copromotion_new", "post"),
        ("copromotion_edit", "post"),
        ("copromotion_submit", "post"),
        ("copromotion_codes", "post"),
    ],
    ids=["new", "edit", "submit", "codes"],
)
def test_an_analyst_reads_but_changes_nothing(client, admin, analyst, name, method):
    copromotion = copromotion_propose(partner_id=admin.partner_id, user_id=admin.user_id, data=proposal())
    as_user(client, analyst)
    args = [] if name == "copromotion_new" else [copromotion.pk]

    assert client.get(reverse("partners:copromotions")).status_code == 200
    assert client.get(reverse("partners:copromotion_detail", args=[copromotion.pk])).status_code == 200
    response = client.post(reverse(f"partners:{name}", args=args), {**form_data(), "count": "5"})

    assert response.status_code == 403
    assert CoPromotion.objects.count() == 1
    copromotion.refresh_from_db()
    assert (copromotion.title, copromotion.state, copromotion.codes.count()) == (
        proposal()["title"],
        "draft",
        0,
    )


def test_staff_and_anonymous_do_not_reach_the_pages(client, admin):
    from tests.factories import StaffUserFactory

    anonymous = client.get(reverse("partners:copromotions"))
    assert anonymous.status_code == 302
    partner_login(client, StaffUserFactory())
    staff = client.get(reverse("partners:copromotions"))
    assert staff.status_code == 403
    assert "rows" not in (staff.context or {})
