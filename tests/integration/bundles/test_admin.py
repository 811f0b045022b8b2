"""Bundle components and templates in the Wagtail admin (staff with MFA): create, validate,
publish, edit; orders and the bundle outbox are view-only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from rewards.bundles.models import BundleComponent, BundleOrder, BundleTemplate
from rewards.bundles.selectors import bundle_templates_for_member
from rewards.bundles.services import bundle_order_place
from tests.factories import MemberFactory
from tests.integration.members.factories_admin import staff_with_mfa
from tests.mfa_login import login_with_mfa

from .factories import component, template

pytestmark = pytest.mark.django_db

COMPONENTS = "wagtailsnippets_bundles_bundlecomponent"
TEMPLATES = "wagtailsnippets_bundles_bundletemplate"
# Reversed at import, as the other admin tests do: loading the admin's URLs registers the
# snippets before the test database is migrated, so Wagtail creates their publish permission.
ADD_COMPONENT_URL = reverse(f"{COMPONENTS}:add")
ADD_TEMPLATE_URL = reverse(f"{TEMPLATES}:add")
EDITOR_PERMISSIONS = (
    "wagtailadmin.access_admin",
    "bundles.add_bundlecomponent",
    "bundles.change_bundlecomponent",
    "bundles.view_bundlecomponent",
    "bundles.add_bundletemplate",
    "bundles.change_bundletemplate",
    "bundles.publish_bundletemplate",
    "bundles.view_bundletemplate",
    "bundles.view_bundleorder",
    "bundles.view_bundleoutbox",
)


@pytest.fixture
def editor(client):
    login_with_mfa(client, staff_with_mfa(*EDITOR_PERMISSIONS))
    return client


def lines(items):
    """Inline rows with their ORDER as the admin's JavaScript posts it."""
    return inline_formset([{"id": "", "ORDER": str(i + 1), **item} for i, item in enumerate(items)])


def template_form(*, rows, segments=("control_seekers",), publish=True, **fields):
    data = {
        "name": "Budget pack",
        "code": "budget-pack",
        "description": "2 GB, no surprises.",
        "plan_fit": "prepaid",
        "monthly_spending_cap": "150000",
        "validity_days": "30",
        "return_window_days": "14",
        "lines": lines([{"component": str(c.pk), "quantity": str(q)} for c, q in rows]),
        **fields,
    }
    if publish:
        data["action-publish"] = "action-publish"
    return {**nested_form_data(data), "target_segments": list(segments)}


def test_staff_create_a_component(editor):
    response = editor.post(
        ADD_COMPONENT_URL,
        {
            "code": "data-gb",
            "kind": "data",
            "name": "Mobile data",
            "unit_label": "GB",
            "unit_price": "10000",
            "min_quantity": "1",
            "max_quantity": "100",
            "step": "1",
            "active": "on",
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    made = BundleComponent.objects.get()
    assert (made.code, made.unit_price, made.min_quantity, made.max_quantity, made.active) == (
        "data-gb",
        Decimal(10_000),
        1,
        100,
        True,
    )
    assert made.revisions.count() == 1


def test_a_component_whose_largest_quantity_is_off_its_steps_is_refused(editor):
    response = editor.post(
        ADD_COMPONENT_URL,
        {
            "code": "voice-min",
            "kind": "voice",
            "name": "Minutes",
            "unit_label": "min",
            "unit_price": "500",
            "min_quantity": "0",
            "max_quantity": "100",
            "step": "30",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["max_quantity"] == [
        "The largest quantity must be the smallest plus whole steps: 90 or 120, not 100."
    ]
    assert BundleComponent.objects.count() == 0


def test_staff_create_and_publish_a_template_then_edit_it(editor):
    data, voice = component("data-gb"), component("voice-min")

    created = editor.post(ADD_TEMPLATE_URL, template_form(rows=[(data, 2), (voice, 60)]))

    assert created.status_code == 302, created.context["form"].errors
    bundle = BundleTemplate.objects.get()
    assert (bundle.live, bundle.plan_fit, bundle.monthly_spending_cap, bundle.target_segments) == (
        True,
        "prepaid",
        Decimal(150_000),
        ["control_seekers"],
    )
    assert [(line.component.code, line.quantity) for line in bundle.lines.order_by("sort_order")] == [
        ("data-gb", 2),
        ("voice-min", 60),
    ]
    assert bundle.list_price == Decimal(50_000)

    edit_url = reverse(f"{TEMPLATES}:edit", args=[bundle.pk])
    assert editor.get(edit_url).status_code == 200
    form = template_form(rows=[(data, 5), (voice, 60)], name="Budget pack plus")
    form.update(
        {
            "lines-INITIAL_FORMS": "2",
            "lines-0-id": str(bundle.lines.get(component=data).pk),
            "lines-1-id": str(bundle.lines.get(component=voice).pk),
        }
    )
    edited = editor.post(edit_url, form)

    assert edited.status_code == 302, edited.context["form"].errors
    bundle.refresh_from_db()
    assert (bundle.name, bundle.live, bundle.revisions.count()) == ("Budget pack plus", True, 2)
    assert bundle.list_price == Decimal(80_000)
    assert bundle.lines.count() == 2


def test_a_draft_is_not_offered_until_published(editor):
    editor.post(ADD_TEMPLATE_URL, template_form(rows=[(component("data-gb"), 2)], publish=False))

    bundle = BundleTemplate.objects.get()
    member = MemberFactory(segment="control_seekers", payment_plan="prepaid")
    assert bundle.live is False
    assert bundle_templates_for_member(member_id=member.pk) == []


@pytest.mark.parametrize(
    ("rows", "fields", "field", "message"),
    [
        pytest.param(
            lambda d, v: [(d, 2), (v, 45)],
            {},
            "lines.1.quantity",
            "Minutes: from 0 min in steps of 30 (got 45; the nearest allowed are 30 and 60).",
            id="quantity-off-step",
        ),
        pytest.param(
            lambda d, v: [(d, 2), (d, 3)],
            {},
            "lines",
            "Please correct the duplicate data for template and component, which must be unique.",
            id="component-twice",
        ),
        pytest.param(
            lambda d, v: [(v, 0)],
            {},
            "__all__",
            "At least one line needs a quantity above zero.",
            id="empty-bundle",
        ),
        pytest.param(
            lambda d, v: [(d, 2)],
            {"plan_fit": "postpaid"},
            "monthly_spending_cap",
            "A monthly spending cap is for prepaid packs only: choose “Prepaid” or leave it empty.",
            id="cap-on-postpaid",
        ),
    ],
)
def test_invalid_templates_are_refused_with_a_clear_message(editor, rows, fields, field, message):
    data, voice = component("data-gb"), component("voice-min")

    response = editor.post(ADD_TEMPLATE_URL, template_form(rows=rows(data, voice), **fields))

    assert response.status_code == 200
    form = response.context["form"]
    if field == "lines":
        assert message in form.formsets["lines"].non_form_errors()
    elif field.startswith("lines."):
        _inline, index, name = field.split(".")
        assert message in form.formsets["lines"].forms[int(index)].errors[name]
        assert f"Line {int(index) + 1}: {message}" in form.non_field_errors()
    else:
        assert message in form.errors[field]
    assert BundleTemplate.objects.count() == 0


def test_orders_and_the_outbox_are_view_only(editor):
    member = MemberFactory()
    placed = bundle_order_place(
        member_id=member.pk,
        template_id=template().pk,
        idempotency_key="k1",
        source="staff",
        at=timezone.make_aware(dt.datetime(2026, 6, 15, 10)),
    )
    order = BundleOrder.objects.get(pk=placed.order.order_id)

    listing = editor.get(reverse("bundles_orders:index"))
    assert listing.status_code == 200 and member.msisdn in listing.content.decode()
    assert editor.get(reverse("bundles_orders:inspect", args=[order.pk])).status_code == 200
    assert editor.get(reverse("bundles_orders:edit", args=[order.pk])).status_code in (302, 403)
    assert editor.get(reverse("bundles_outbox:index")).status_code == 200
    assert editor.post(reverse("bundles_orders:delete", args=[order.pk])).status_code in (302, 403)
    assert BundleOrder.objects.filter(pk=order.pk).exists()


def test_the_snippet_lists_open(editor):
    template()
    assert editor.get(reverse(f"{COMPONENTS}:list")).status_code == 200
    response = editor.get(reverse(f"{TEMPLATES}:list"))
    assert response.status_code == 200 and "160000" in response.content.decode().replace(",", "")


def test_staff_mark_an_add_on_with_its_billing_service_and_a_template_with_a_quality_promise(editor):
    response = editor.post(ADD_COMPONENT_URL, {
        "code": "online-security", "kind": "add_on", "name": "Online security", "unit_label": "month",
        "unit_price": "20000", "min_quantity": "0", "max_quantity": "1", "step": "1",
        "addon_service": "online_security", "active": "on",
    })
    assert response.status_code == 302, response.context["form"].errors
    security = BundleComponent.objects.get(code="online-security")
    assert security.addon_service == "online_security"
    edit = editor.get(reverse(f"{COMPONENTS}:edit", args=[security.pk])).content.decode()
    assert "The bundle recommender switches it on for members who are likely to want it" in edit

    data = component("data-gb")
    created = editor.post(ADD_TEMPLATE_URL, template_form(
        rows=[(data, 20), (security, 0)], segments=("performance_seekers",), plan_fit="any",
        monthly_spending_cap="", code="data-max",
        quality_promise="4G+ priority: 10 Mbit/s or your data back",
    ))
    assert created.status_code == 302, created.context["form"].errors
    bundle = BundleTemplate.objects.get(code="data-max")
    assert (bundle.live, bundle.quality_promise) == (True, "4G+ priority: 10 Mbit/s or your data back")
    assert "Quality promise" in editor.get(reverse(f"{TEMPLATES}:list")).content.decode()


def test_the_recommender_settings_are_edited_with_help_and_checked(client):
    from rewards.bundles.models import BundleRecommenderSettings

    login_with_mfa(client,
        staff_with_mfa("wagtailadmin.access_admin", "bundles.change_bundlerecommendersettings")
    )
    url = reverse("wagtailsettings:edit", args=["bundles", "bundlerecommendersettings"])
    page = client.get(url, follow=True)
    assert page.status_code == 200
    url = page.redirect_chain[-1][0] if page.redirect_chain else url
    assert "20% turns 8.3 GB a month into 10 GB" in page.content.decode()

    refused = client.post(url, {"headroom_percent": "20", "performance_extra_percent": "30",
                                "usage_months": "13", "addon_suggestions": "3"})
    assert refused.status_code == 200
    assert BundleRecommenderSettings.load().usage_months == 3

    saved = client.post(url, {"headroom_percent": "10", "performance_extra_percent": "40",
                              "usage_months": "6", "addon_suggestions": "2"})
    assert saved.status_code == 302
    stored = BundleRecommenderSettings.load()
    assert (stored.headroom_percent, stored.performance_extra_percent, stored.usage_months,
            stored.addon_suggestions) == (10, 40, 6, 2)
