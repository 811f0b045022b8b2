"""Discount schedules in the Wagtail admin: create, validate, draft, publish, unpublish."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from club.members.models import CustomerType
from rewards.discounts.models import DiscountSchedule
from rewards.discounts.selectors import discount_schedule_for_customer_type
from tests.integration.members.factories_admin import staff_with_mfa
from tests.mfa_login import login_with_mfa

from .helpers import live_schedule

pytestmark = pytest.mark.django_db

NAMESPACE = "wagtailsnippets_discounts_discountschedule"
ADD_URL = reverse(f"{NAMESPACE}:add")
LIST_URL = reverse(f"{NAMESPACE}:list")
EDITOR_PERMISSIONS = (
    "wagtailadmin.access_admin", "discounts.add_discountschedule", "discounts.change_discountschedule",
    "discounts.publish_discountschedule", "discounts.view_discountschedule",
)


@pytest.fixture
def editor(client):
    login_with_mfa(client, staff_with_mfa(*EDITOR_PERMISSIONS))
    return client


def rows(items):
    """Inline rows with their ORDER as the admin's JavaScript posts it."""
    return inline_formset([{"id": "", "ORDER": str(i + 1), **item} for i, item in enumerate(items)])


def form_data(*, brackets=(), bands=(), publish=True,
              customer_types=(CustomerType.HOUSEHOLD, CustomerType.INDIVIDUAL), **fields):
    data = {
        "name": "Households 2026",
        "stacking": "sum_capped",
        "cap_percent": "8",
        "valid_from": "2026-01-01",
        "valid_until": "",
        "volume_brackets": rows([{"spend_from": s, "percent": p} for s, p in brackets]),
        "tenure_bands": rows([{"years_from": y, "percent": p} for y, p in bands]),
        **fields,
    }
    if publish:
        data["action-publish"] = "action-publish"
    return {**nested_form_data(data), "customer_types": list(customer_types)}  # a multiple choice


GOOD = {"brackets": [("10000000", "2"), ("20000000", "3.5")], "bands": [("1", "1"), ("3", "5")]}


def test_staff_creates_and_publishes_a_schedule(editor):
    response = editor.post(ADD_URL, form_data(**GOOD))

    assert response.status_code == 302, response.context["form"].errors
    schedule = DiscountSchedule.objects.get()
    assert (schedule.name, schedule.live, schedule.stacking, schedule.cap_percent) == (
        "Households 2026", True, "sum_capped", Decimal(8))
    assert schedule.customer_types == ["household", "individual"]
    assert [(b.spend_from, b.percent) for b in schedule.volume_brackets.order_by("sort_order")] == [
        (Decimal(10_000_000), Decimal(2)), (Decimal(20_000_000), Decimal("3.5"))]
    assert [(b.years_from, b.percent) for b in schedule.tenure_bands.order_by("sort_order")] == [
        (1, Decimal(1)), (3, Decimal(5))]
    assert schedule.revisions.count() == 1
    spec = discount_schedule_for_customer_type(customer_type="household", on=dt.date(2026, 6, 1))
    assert spec.name == "Households 2026"


def test_a_draft_is_saved_but_does_not_quote_until_published(editor):
    editor.post(ADD_URL, form_data(publish=False, **GOOD))

    schedule = DiscountSchedule.objects.get()
    assert schedule.live is False
    assert discount_schedule_for_customer_type(customer_type="household", on=dt.date(2026, 6, 1)) is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        pytest.param({"brackets": [("20000000", "3"), ("10000000", "4")]},
                     "volume_brackets.1.spend_from",
                     "Brackets must be in ascending order: 10,000,000 VND comes after 20,000,000 VND; "
                     "move this row up.", id="brackets-not-ascending"),
        pytest.param({"brackets": [("10000000", "2"), ("10000000", "3")]},
                     "volume_brackets.1.spend_from",
                     "Duplicate: another bracket already starts at 10,000,000 VND.", id="duplicate-bracket"),
        pytest.param({"bands": [("3", "5"), ("3", "6")]}, "tenure_bands.1.years_from",
                     "Duplicate: another band already starts at 3 years.", id="duplicate-band"),
        pytest.param({"brackets": [("10000000", "120")]}, "volume_brackets.0.percent",
                     "Ensure this value is less than or equal to 100.", id="percent-over-100"),
        pytest.param({"bands": [("1", "-1")]}, "tenure_bands.0.percent",
                     "Ensure this value is greater than or equal to 0.", id="negative-percent"),
        pytest.param({"cap_percent": "-1"}, "cap_percent",
                     "The cap must be between 0% and 100% (got -1%).", id="negative-cap"),
        pytest.param({"cap_percent": ""}, "cap_percent",
                     "A sum of volume and tenure discounts needs a cap: the most the two may add up "
                     "to (%).", id="sum-without-cap"),
        pytest.param({"customer_types": ["all", "enterprise"]}, "customer_types",
                     "Choose either “All customer types” or some customer types, not both.",
                     id="all-and-some"),
        pytest.param({"valid_until": "2025-12-31"}, "valid_until",
                     "“Valid until” (2025-12-31) is before “valid from” (2026-01-01).", id="dates-reversed"),
    ],
)
def test_invalid_schedules_are_refused_with_a_clear_message(editor, changes, field, message):
    response = editor.post(ADD_URL, form_data(**{**GOOD, **changes}))

    assert response.status_code == 200
    assert message in errors_of(response.context["form"], field)
    assert DiscountSchedule.objects.count() == 0


def errors_of(form, field: str) -> list[str]:
    if "." not in field:
        return list(form.errors.get(field, []))
    inline, index, name = field.split(".")
    return list(form.formsets[inline].forms[int(index)].errors.get(name, []))


def test_inline_problems_are_also_listed_at_the_top(editor):
    response = editor.post(ADD_URL, form_data(brackets=[("10000000", "3"), ("20000000", "2")], bands=[]))

    assert response.context["form"].non_field_errors() == [
        "Volume bracket 2: A higher bracket must not give a smaller discount: 2% from 20,000,000 VND, "
        "but 3% from 10,000,000 VND."
    ]
    assert "A higher bracket must not give a smaller discount" in response.content.decode()


def test_deleted_rows_are_not_checked(editor):
    data = form_data(brackets=[("10000000", "2"), ("10000000", "3")], bands=[("1", "1")])
    data["volume_brackets-1-DELETE"] = "1"

    response = editor.post(ADD_URL, data)

    assert response.status_code == 302
    assert DiscountSchedule.objects.get().volume_brackets.count() == 1


def test_unpublish_stops_the_quotes(editor):
    schedule = live_schedule(customer_types=[CustomerType.HOUSEHOLD])
    login_with_mfa(editor, staff_with_mfa(*EDITOR_PERMISSIONS, "discounts.delete_discountschedule"))

    response = editor.post(reverse(f"{NAMESPACE}:unpublish", args=[schedule.pk]))

    assert response.status_code == 302
    schedule.refresh_from_db()
    assert schedule.live is False
    assert discount_schedule_for_customer_type(customer_type="household", on=dt.date(2026, 6, 1)) is None


def test_the_list_shows_schedules_in_the_rewards_menu(editor):
    live_schedule(name="Enterprise 2026", customer_types=[CustomerType.ENTERPRISE])

    response = editor.get(LIST_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Enterprise 2026" in html and "Best of volume and tenure" in html
    assert "Discount schedules" in editor.get("/admin/").content.decode()


def test_staff_without_permission_cannot_add(client):
    login_with_mfa(client, staff_with_mfa("wagtailadmin.access_admin"))

    response = client.post(ADD_URL, form_data(**GOOD))

    assert (response.status_code, response["Location"]) == (302, "/admin/")  # Wagtail's "permission denied"
    assert DiscountSchedule.objects.count() == 0


def test_a_draft_edit_of_a_live_schedule_quotes_only_once_published(editor):
    editor.post(ADD_URL, form_data(**GOOD))
    schedule = DiscountSchedule.objects.get()
    first, second = schedule.volume_brackets.order_by("sort_order")
    edit_url = reverse(f"{NAMESPACE}:edit", args=[schedule.pk])

    def edit(percent: str, *, publish: bool):
        data = form_data(publish=publish, bands=GOOD["bands"])
        data.update(nested_form_data({"volume_brackets": inline_formset([
            {"id": str(first.pk), "ORDER": "1", "spend_from": "10000000", "percent": "2"},
            {"id": str(second.pk), "ORDER": "2", "spend_from": "20000000", "percent": percent},
        ], initial=2)}))
        data.update(nested_form_data({"tenure_bands": inline_formset([
            {"id": str(band.pk), "ORDER": str(i + 1), "years_from": str(band.years_from),
             "percent": str(band.percent)}
            for i, band in enumerate(schedule.tenure_bands.order_by("sort_order"))
        ], initial=2)}))
        response = editor.post(edit_url, data)
        assert response.status_code == 302, response.context["form"].errors

    def live_top_percent() -> Decimal:
        spec = discount_schedule_for_customer_type(customer_type="household", on=dt.date(2026, 6, 1))
        return spec.volume_brackets[-1].percent

    edit("4", publish=False)
    assert live_top_percent() == Decimal("3.5")
    assert DiscountSchedule.objects.get().has_unpublished_changes is True

    edit("4", publish=True)
    assert live_top_percent() == Decimal(4)
    assert DiscountSchedule.objects.get().revisions.count() == 3
