"""The demo's staff: one login per role, in its role's group, staff; a second load changes
nothing (``make demo`` twice)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupCollectionPermission, GroupPagePermission

from club.accounts.roles import ROLES, ROLES_BY_KEY
from cms.demo.people import DEMO_STAFF, demo_people_load
from cms.demo.subscribers import demo_subscribers_load

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    users = get_user_model().objects
    return {
        "users": list(users.order_by("pk").values_list("pk", "email", "is_staff", "password")),
        "memberships": sorted(users.model.groups.through.objects.values_list("user_id", "group_id")),
        "groups": list(Group.objects.order_by("pk").values_list("pk", "name")),
        "permissions": sorted(Group.permissions.through.objects.values_list("group_id", "permission_id")),
        "pages": sorted(GroupPagePermission.objects.values_list("group_id", "page_id", "permission_id")),
        "collections": sorted(GroupCollectionPermission.objects.values_list("group_id", "permission_id")),
    }


def test_the_demo_has_a_staff_login_per_role_and_loads_twice_alike():
    demo_subscribers_load(count=5)

    logins = demo_people_load()
    before = snapshot()
    again = demo_people_load()

    assert snapshot() == before and again == logins
    assert sorted(key for key, *_ in DEMO_STAFF) == sorted(role.key for role in ROLES)
    for key, login, *_ in DEMO_STAFF:
        user = get_user_model().objects.get(email=login.email)
        assert user.is_staff and not user.is_superuser and user.check_password(login.password)
        assert list(user.groups.values_list("name", flat=True)) == [ROLES_BY_KEY[key].name]
    admin = get_user_model().objects.get(email="admin@troika.example")
    assert admin.has_perm("accounts.add_user") and admin.has_perm("auth.change_group")
    assert len(admin.get_all_permissions()) == Permission.objects.count()
    marketer = get_user_model().objects.get(email="marketer@troika.example")
    assert not marketer.has_perm("campaigns.publish_campaign")
    assert not marketer.has_perm("ledger.add_ledgerentry")
