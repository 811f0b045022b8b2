"""The Members menu of the Wagtail admin: list, search, filters, detail, edit, permissions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from club.members.admin.paginator import ESTIMATE_COUNT_FROM_ROWS, MemberPaginator
from club.members.models import (
    ConsentPurpose,
    ConsentRecord,
    CustomerType,
    Member,
    MemberStatus,
    PaymentPlan,
    Segment,
    TariffKind,
)
from club.members.selectors import member_admin_list, member_search
from tests.factories import MemberFactory, UserFactory
from tests.mfa_login import login_with_mfa

from .factories_admin import ConsentRecordFactory, InterestFactory, staff_with_mfa

pytestmark = pytest.mark.django_db

INDEX_URL = "/admin/member/"
VIEWER_PERMISSIONS = ("wagtailadmin.access_admin", "members.view_member")
EDITOR_PERMISSIONS = (*VIEWER_PERMISSIONS, "members.change_member")
# Session, user, MFA check, permissions, count, one page of rows, admin chrome, and the audit
# log's entries for the members shown (the first entry, then the rest in one INSERT: 4). A
# constant: the same with 3 members as with 60 (see test_list_queries_do_not_grow_with_members).
LIST_PAGE_MAX_QUERIES = 16


def listed_account_numbers(response) -> list[str]:
    return [member.account_number for member in response.context["object_list"]]


@pytest.fixture
def viewer(client):
    login_with_mfa(client, staff_with_mfa(*VIEWER_PERMISSIONS))
    return client


@pytest.fixture
def editor(client):
    login_with_mfa(client, staff_with_mfa(*EDITOR_PERMISSIONS))
    return client


# --- list ----------------------------------------------------------------------------------


def test_staff_with_view_permission_sees_the_list_with_its_columns(viewer):
    MemberFactory(
        account_number="ACC-LIST-1", msisdn="+84912345678", customer_type=CustomerType.ENTERPRISE,
        payment_plan=PaymentPlan.POSTPAID, tariff_kind=TariffKind.FLAT_RATE, plan_name="Biz 500",
        region="Hà Nội", city="Cầu Giấy", status=MemberStatus.SUSPENDED, segment=Segment.VIP,
        activation_date=timezone.localdate() - dt.timedelta(days=3 * 366),
        user=UserFactory(),
    )

    response = viewer.get(INDEX_URL)

    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "ACC-LIST-1", "+84912345678", "Enterprise", "Biz 500 (Postpaid, Flat rate)",
        "Cầu Giấy, Hà Nội", "Suspended", "VIP",
    ):
        assert text in html, text
    for heading in ("Account number", "MSISDN", "Customer type", "Plan", "Region / city", "Status",
                    "Segment", "Tenure (years)", "Portal account"):
        assert heading in html, heading
    table = response.context["table"]
    (member,) = response.context["object_list"]
    assert table.columns["tenure"].get_value(member) == 3
    assert table.columns["linked"].get_value(member) is True


def test_each_row_links_to_the_detail_and_offers_edit_to_an_editor(editor):
    member = MemberFactory()

    html = editor.get(INDEX_URL).content.decode()

    assert f'href="{reverse("member:inspect", args=[member.pk])}"' in html
    assert f'href="{reverse("member:edit", args=[member.pk])}"' in html
    assert "/delete/" not in html


def test_the_list_shows_fifty_members_a_page_in_account_number_order(viewer):
    MemberFactory.create_batch(60)

    first_page = viewer.get(INDEX_URL)
    second_page = viewer.get(INDEX_URL, {"p": 2})

    assert len(first_page.context["object_list"]) == 50
    assert len(second_page.context["object_list"]) == 10
    everyone = listed_account_numbers(first_page) + listed_account_numbers(second_page)
    assert everyone == sorted(Member.objects.values_list("account_number", flat=True))


def test_sorting_by_a_shared_column_keeps_a_stable_order(viewer):
    MemberFactory.create_batch(4, status=MemberStatus.ACTIVE)

    response = viewer.get(INDEX_URL, {"ordering": "status"})

    assert response.context["object_list"].query.order_by == ("status", "pk")


def test_list_page_queries_are_bounded_with_sixty_members(viewer, django_assert_max_num_queries):
    MemberFactory.create_batch(40)
    for _ in range(20):
        MemberFactory(user=UserFactory())

    with django_assert_max_num_queries(LIST_PAGE_MAX_QUERIES):
        response = viewer.get(INDEX_URL)

    assert response.status_code == 200
    assert len(response.context["object_list"]) == 50


def test_list_queries_do_not_grow_with_members(viewer):
    MemberFactory.create_batch(3)
    with CaptureQueriesContext(connection) as few:
        viewer.get(INDEX_URL)
    MemberFactory.create_batch(37)
    for _ in range(20):
        MemberFactory(user=UserFactory())

    with CaptureQueriesContext(connection) as many:
        viewer.get(INDEX_URL)

    assert len(many) == len(few)


# --- search --------------------------------------------------------------------------------


@pytest.fixture
def searchable_members():
    return {
        "target": MemberFactory(account_number="ACC12345678", msisdn="+84912345678", city="Đà Nẵng"),
        "neighbour": MemberFactory(account_number="ACC12349999", msisdn="+84912349999", city="Huế"),
        "other": MemberFactory(account_number="7590-VHVEG", msisdn="+84387654321", city="Hà Nội"),
    }


@pytest.mark.parametrize(
    "query",
    ["0912 345 678", "0912345678", "+84 912 345 678", "+84912345678", "(091) 234-5678"],
    ids=["national-spaced", "national", "e164-spaced", "e164", "national-punctuated"],
)
def test_search_by_msisdn_in_any_written_form_finds_exactly_the_line(viewer, searchable_members, query):
    response = viewer.get(INDEX_URL, {"q": query})

    assert listed_account_numbers(response) == ["ACC12345678"]


def test_search_by_the_start_of_a_national_number_finds_the_lines_that_start_with_it(
    viewer, searchable_members
):
    response = viewer.get(INDEX_URL, {"q": "0912 34"})

    assert listed_account_numbers(response) == ["ACC12345678", "ACC12349999"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ACC12345678", ["ACC12345678"]),
        ("acc12345678", ["ACC12345678"]),
        ("ACC1234", ["ACC12345678", "ACC12349999"]),
        ("7590-vhveg", ["7590-VHVEG"]),
    ],
    ids=["exact", "lower-case", "prefix", "telco-id-lower-case"],
)
def test_search_by_account_number(viewer, searchable_members, query, expected):
    response = viewer.get(INDEX_URL, {"q": query})

    assert listed_account_numbers(response) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [("Đà Nẵng", ["ACC12345678"]), ("đà nẵng", ["ACC12345678"]), ("Hu", ["ACC12349999"])],
    ids=["exact", "lower-case", "prefix"],
)
def test_search_by_city_prefix(viewer, searchable_members, query, expected):
    response = viewer.get(INDEX_URL, {"q": query})

    assert listed_account_numbers(response) == expected


def test_search_that_matches_nothing_lists_nothing(viewer, searchable_members):
    response = viewer.get(INDEX_URL, {"q": "0999 000 111"})

    assert listed_account_numbers(response) == []
    assert "No members match your query." in response.content.decode()


@pytest.mark.parametrize("query", ["Hu", "acc1234", "0912 34"])
def test_member_search_uses_prefix_lookups_never_a_contains_scan(query):
    sql, params = member_search(query=query).query.sql_with_params()

    patterns = [param for param in params if isinstance(param, str) and param.endswith("%")]
    assert patterns
    assert not any(pattern.startswith("%") for pattern in patterns)
    assert "UPPER(" not in sql.upper()


# --- filters -------------------------------------------------------------------------------


@pytest.fixture
def filterable_members():
    MemberFactory(
        account_number="F-IND", customer_type=CustomerType.INDIVIDUAL, status=MemberStatus.ACTIVE,
        payment_plan=PaymentPlan.PREPAID, tariff_kind=TariffKind.METERED, segment=Segment.VIP,
        region="Hà Nội", activation_date=dt.date(2015, 6, 1),
    )
    MemberFactory(
        account_number="F-ENT", customer_type=CustomerType.ENTERPRISE, status=MemberStatus.IN_ARREARS,
        payment_plan=PaymentPlan.POSTPAID, tariff_kind=TariffKind.FLAT_RATE, segment="",
        region="Đà Nẵng", activation_date=dt.date(2020, 3, 10), user=UserFactory(),
    )
    MemberFactory(
        account_number="F-GOV", customer_type=CustomerType.GOVERNMENT, status=MemberStatus.CHURNED,
        payment_plan=PaymentPlan.POSTPAID, tariff_kind=TariffKind.METERED,
        segment=Segment.COST_CUTTERS, region="Hà Nội", activation_date=dt.date(2024, 1, 20),
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"customer_type": "enterprise"}, ["F-ENT"]),
        ({"status": "churned"}, ["F-GOV"]),
        ({"payment_plan": "postpaid"}, ["F-ENT", "F-GOV"]),
        ({"tariff_kind": "metered"}, ["F-GOV", "F-IND"]),
        ({"segment": "vip"}, ["F-IND"]),
        ({"segment": "unclassified"}, ["F-ENT"]),
        ({"region": "Hà Nội"}, ["F-GOV", "F-IND"]),
        ({"linked": "true"}, ["F-ENT"]),
        ({"linked": "false"}, ["F-GOV", "F-IND"]),
        ({"activation_date_from": "2016-01-01", "activation_date_to": "2021-12-31"}, ["F-ENT"]),
        ({"activation_date_from": "2020-03-10"}, ["F-ENT", "F-GOV"]),
        ({"payment_plan": "postpaid", "region": "Hà Nội"}, ["F-GOV"]),
    ],
    ids=[
        "customer-type", "status", "payment-plan", "tariff", "segment", "segment-unclassified",
        "region", "linked", "not-linked", "activation-range", "activation-from", "combined",
    ],
)
def test_filters_narrow_the_list_exactly(viewer, filterable_members, params, expected):
    response = viewer.get(INDEX_URL, params)

    assert response.status_code == 200
    assert listed_account_numbers(response) == expected


def test_search_and_filter_combine(viewer, filterable_members):
    response = viewer.get(INDEX_URL, {"q": "F-", "status": "in_arrears"})

    assert listed_account_numbers(response) == ["F-ENT"]


# --- detail --------------------------------------------------------------------------------


def test_detail_shows_fields_consents_with_history_newest_first_interests_and_attributes(viewer):
    portal_user = UserFactory(email="linh@example.test")
    member = MemberFactory(
        account_number="ACC-DETAIL", msisdn="+84912000111", consent_marketing=False,
        consent_sms=True, user=portal_user, max_messages_per_week=3,
        activation_date=timezone.localdate() - dt.timedelta(days=2 * 365 + 10),
        attributes={"addons": {"streaming": True, "roaming": ["asia", "eu"]}, "gender": "F"},
    )
    member.interests.add(InterestFactory(name="Football"), InterestFactory(name="Travel"))
    granted = ConsentRecordFactory(member=member, purpose=ConsentPurpose.MARKETING, granted=True)
    withdrawn = ConsentRecordFactory(
        member=member, purpose=ConsentPurpose.MARKETING, granted=False,
        source=ConsentRecord.Source.STAFF, recorded_by=UserFactory(email="agent@example.test"),
    )
    sms = ConsentRecordFactory(member=member, purpose=ConsentPurpose.CHANNEL_SMS, granted=True)
    now = timezone.now()
    ConsentRecord.objects.filter(pk=granted.pk).update(recorded_at=now - dt.timedelta(days=30))
    ConsentRecord.objects.filter(pk=sms.pk).update(recorded_at=now - dt.timedelta(days=20))
    ConsentRecord.objects.filter(pk=withdrawn.pk).update(recorded_at=now - dt.timedelta(days=1))

    response = viewer.get(reverse("member:inspect", args=[member.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    for text in ("ACC-DETAIL", "+84912000111", "2 years", "linh@example.test", "Football", "Travel",
                 "Most marketing messages per week", "addons.streaming", "addons.roaming",
                 "asia, eu", "gender"):
        assert text in html, text
    history = [record.pk for record in response.context["consent_history"]]
    assert history == [withdrawn.pk, sms.pk, granted.pk]
    history_html = html[html.index("data-consent-history"):]
    assert history_html.index("Withdrawn") < history_html.index("SMS") < history_html.index("Granted")
    assert "agent@example.test" in history_html
    current = {consent.purpose: consent.is_granted for consent in response.context["current_consents"]}
    assert current == {
        "marketing": False, "profiling": False, "channel_email": False, "channel_sms": True,
        "channel_portal": True,
    }


def test_detail_of_a_missing_member_is_not_found(viewer):
    assert viewer.get(reverse("member:inspect", args=[999_999])).status_code == 404


def test_detail_queries_do_not_grow_with_consent_history(viewer):
    member = MemberFactory()
    ConsentRecordFactory(member=member)
    with CaptureQueriesContext(connection) as few:
        viewer.get(reverse("member:inspect", args=[member.pk]))
    ConsentRecordFactory.create_batch(10, member=member, recorded_by=UserFactory())
    member.interests.add(*InterestFactory.create_batch(3))

    with CaptureQueriesContext(connection) as many:
        viewer.get(reverse("member:inspect", args=[member.pk]))

    assert len(many) == len(few)


# --- edit ----------------------------------------------------------------------------------


def edit_form_data(member: Member, **changes) -> dict:
    data = {
        "msisdn": member.msisdn, "account_number": member.account_number,
        "customer_type": member.customer_type, "activation_date": member.activation_date.isoformat(),
        "status": member.status, "churn_reason": member.churn_reason,
        "payment_plan": member.payment_plan, "tariff_kind": member.tariff_kind,
        "plan_name": member.plan_name, "region": member.region, "city": member.city,
        "language": member.language, "birth_date": "", "segment": member.segment,
    }
    data.update(changes)
    return data


def snapshot(member: Member) -> dict:
    return Member.objects.filter(pk=member.pk).values().get()


def test_edit_with_a_bad_msisdn_shows_a_clear_error_and_changes_nothing(editor):
    member = MemberFactory(msisdn="+84912345678", plan_name="Old plan")
    before = snapshot(member)

    response = editor.post(
        reverse("member:edit", args=[member.pk]),
        edit_form_data(member, msisdn="12ab", plan_name="New plan"),
    )

    assert response.status_code == 200
    assert "is not a valid phone number" in response.content.decode()
    assert "msisdn" in response.context["form"].errors
    assert snapshot(member) == before


def test_edit_stores_a_national_msisdn_in_e164(editor):
    member = MemberFactory(msisdn="+84912345678")

    response = editor.post(
        reverse("member:edit", args=[member.pk]), edit_form_data(member, msisdn="0987 654 321")
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.msisdn == "+84987654321"


def test_edit_refuses_an_msisdn_another_member_holds(editor):
    MemberFactory(msisdn="+84987654321")
    member = MemberFactory(msisdn="+84912345678")
    before = snapshot(member)

    response = editor.post(
        reverse("member:edit", args=[member.pk]), edit_form_data(member, msisdn="0987654321")
    )

    assert response.status_code == 200
    assert "msisdn" in response.context["form"].errors
    assert snapshot(member) == before


def test_edit_refuses_a_churn_reason_unless_churned(editor):
    member = MemberFactory(status=MemberStatus.ACTIVE)
    before = snapshot(member)

    response = editor.post(
        reverse("member:edit", args=[member.pk]),
        edit_form_data(member, churn_reason="lost_to_competitor"),
    )

    assert response.status_code == 200
    assert "churn_reason" in response.context["form"].errors
    assert snapshot(member) == before


def test_edit_form_offers_neither_the_billing_digest_nor_the_portal_account(editor):
    member = MemberFactory()

    form = editor.get(reverse("member:edit", args=[member.pk])).context["form"]

    assert "billing_detail_digest" not in form.fields
    assert "user" not in form.fields
    assert "consent_marketing" not in form.fields  # consents change only with their history


def test_a_viewer_cannot_edit(viewer):
    member = MemberFactory(plan_name="Kept")
    before = snapshot(member)

    response = viewer.post(
        reverse("member:edit", args=[member.pk]), edit_form_data(member, plan_name="Changed")
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    assert snapshot(member) == before


# --- permissions ---------------------------------------------------------------------------


@pytest.mark.parametrize("view", ["index", "inspect", "edit", "add"])
def test_staff_without_view_member_permission_is_refused(client, view):
    member = MemberFactory()
    login_with_mfa(client, staff_with_mfa("wagtailadmin.access_admin"))
    url = reverse(f"member:{view}", args=[member.pk] if view in {"inspect", "edit"} else [])

    response = client.get(url, follow=True)

    assert response.redirect_chain[0] == (reverse("wagtailadmin_home"), 302)
    html = response.content.decode()
    assert "Sorry, you do not have permission to access this area." in html
    assert member.account_number not in html


def test_a_logged_in_non_staff_user_is_refused_without_a_login_loop(client):
    MemberFactory()
    client.force_login(UserFactory())

    response = client.get(INDEX_URL)

    assert response.status_code == 403
    assert MemberFactory._meta.model.objects.count() == 1


def test_an_anonymous_visitor_is_sent_to_login(client):
    response = client.get(INDEX_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_staff_without_an_authenticator_is_sent_to_mfa_setup(client):
    from tests.factories import StaffUserFactory

    client.force_login(StaffUserFactory(is_superuser=True))

    response = client.get(INDEX_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_members_cannot_be_deleted_from_the_admin_even_by_a_superuser(client):
    member = MemberFactory()
    login_with_mfa(client, staff_with_mfa(is_superuser=True))

    with pytest.raises(NoReverseMatch):
        reverse("member:delete", args=[member.pk])
    assert client.post(f"/admin/member/delete/{member.pk}/").status_code == 404
    edit_html = client.get(reverse("member:edit", args=[member.pk])).content.decode()
    assert "/delete/" not in edit_html
    assert Member.objects.filter(pk=member.pk).exists()


def test_the_members_menu_holds_members_and_interests(client):
    login_with_mfa(client, staff_with_mfa(is_superuser=True))

    html = client.get(reverse("wagtailadmin_home")).content.decode()

    assert INDEX_URL in html
    assert "/admin/interest/" in html


def test_interests_are_managed_under_the_members_menu(client):
    login_with_mfa(client, staff_with_mfa(is_superuser=True))

    response = client.post("/admin/interest/new/", {"name": "Gaming", "slug": "gaming"})

    assert response.status_code == 302
    assert client.get("/admin/interest/").status_code == 200
    assert InterestFactory._meta.model.objects.filter(slug="gaming", name="Gaming").exists()


# --- counting ------------------------------------------------------------------------------


def test_the_unfiltered_list_uses_the_planner_estimate_once_the_table_is_large(monkeypatch):
    MemberFactory.create_batch(2)
    monkeypatch.setattr(
        "club.members.admin.paginator.member_count_estimate", lambda: ESTIMATE_COUNT_FROM_ROWS * 30
    )

    unfiltered = MemberPaginator(member_admin_list().order_by("account_number"), 50)
    filtered = MemberPaginator(member_admin_list().filter(status=MemberStatus.ACTIVE), 50)

    assert unfiltered.count == ESTIMATE_COUNT_FROM_ROWS * 30
    assert filtered.count == 2


def test_a_small_table_is_counted_exactly(monkeypatch):
    MemberFactory.create_batch(2)
    monkeypatch.setattr("club.members.admin.paginator.member_count_estimate", lambda: 1_000)

    assert MemberPaginator(member_admin_list(), 50).count == 2


def test_staff_with_add_permission_creates_a_member_from_a_national_msisdn(client):
    login_with_mfa(client, staff_with_mfa(*VIEWER_PERMISSIONS, "members.add_member"))
    data = {
        "msisdn": "0912 345 678", "account_number": "ACC-NEW-1", "customer_type": "household",
        "activation_date": "2021-05-04", "status": "active", "churn_reason": "",
        "payment_plan": "prepaid", "tariff_kind": "metered", "plan_name": "", "region": "Huế",
        "city": "Huế", "language": "vi", "birth_date": "", "segment": "",
    }

    response = client.post(reverse("member:add"), data)

    assert response.status_code == 302
    member = Member.objects.get(account_number="ACC-NEW-1")
    assert (member.msisdn, member.customer_type, member.user_id) == ("+84912345678", "household", None)


def test_the_usage_screen_of_a_member_opens_and_the_history_is_for_audit_log_readers(editor, client):
    member = MemberFactory()

    assert editor.get(reverse("member:usage", args=[member.pk])).status_code == 200
    # the history lists who looked at the member (docs/audit.md): audit-log readers only
    assert editor.get(reverse("member:history", args=[member.pk])).status_code == 403
    login_with_mfa(client, staff_with_mfa(*EDITOR_PERMISSIONS, "audit.view_audit_log"))
    assert client.get(reverse("member:history", args=[member.pk])).status_code == 200


@pytest.mark.postgres
def test_postgres_estimates_the_member_count_from_its_statistics():
    from club.members.selectors import member_count_estimate

    MemberFactory.create_batch(7)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Member._meta.db_table}")

    assert member_count_estimate() == 7
