"""The admin has one "Partners" menu: organisations, co-promotions, statements and co-branded
revenue (no separate "Partner organisations" or "Settlement" menus), each page still reachable."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import get_resolver, reverse
from wagtail.admin.menu import admin_menu

from tests.factories import StaffUserFactory, UserFactory
from tests.partner_fixtures import partner_login, totp_activate

pytestmark = pytest.mark.django_db


def top_menu(user) -> dict[str, list[str]]:
    """The admin menu as ``user`` sees it: labels, and each group's items. The admin's viewsets add
    their menu items when the URLconf loads: load it first, and build the menu afresh."""
    get_resolver().url_patterns  # noqa: B018 (loading the URLconf registers the viewsets' items)
    admin_menu.__dict__.pop("registered_menu_items", None)
    request = RequestFactory().get("/admin/")
    request.user = user
    return {
        str(item.label): [str(child.label) for child in item.menu.menu_items_for_request(request)]
        if hasattr(item, "menu") else []
        for item in admin_menu.menu_items_for_request(request)
    }


def test_one_partners_menu_holds_every_partner_screen():
    menu = top_menu(UserFactory(is_staff=True, is_superuser=True))

    assert menu["Partners"] == ["Organisations", "Co-promotions", "Statements", "Co-branded revenue"]
    assert "Partner organisations" not in menu and "Settlement" not in menu


@pytest.mark.parametrize(
    "url_name",
    ["partner_organisations:index", "copromotions:index", "settlement_statements:index",
     "settlement_revenue:index", "settlement_statement_prepare", "settlement_revenue_enter"],
)
def test_the_screens_under_it_still_open(client, url_name):
    staff = StaffUserFactory(is_superuser=True)
    totp_activate(staff)
    partner_login(client, staff)  # a logged-in session with TOTP passed

    assert client.get(reverse(url_name)).status_code == 200
