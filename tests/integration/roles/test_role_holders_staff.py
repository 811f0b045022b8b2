"""Holding a role makes a login staff (the admin is staff-only, and Wagtail's user form has no
staff checkbox); Wagtail's own "Editors" and "Moderators" groups grant nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from club.accounts.roles import ROLES, ROLES_BY_KEY
from club.accounts.roles_sync import WAGTAIL_DEFAULT_GROUPS, roles_sync
from club.accounts.services import role_holders_staff_set
from tests.factories import StaffUserFactory, UserFactory
from tests.mfa_login import login_with_mfa
from tests.partner_fixtures import PartnerUserFactory

pytestmark = pytest.mark.django_db

USERS_ADD_URL = reverse("wagtailusers_users:add")


def staff_flag(user) -> bool:
    return get_user_model().objects.values_list("is_staff", flat=True).get(pk=user.pk)


@pytest.mark.parametrize("role", ROLES, ids=[role.key for role in ROLES])
def test_joining_a_role_makes_the_login_staff(role):
    user = UserFactory()

    user.groups.add(Group.objects.get(name=role.name))

    assert user.is_staff and staff_flag(user)


def test_joining_from_the_groups_side_makes_every_login_added_staff():
    first, second = UserFactory(), UserFactory()

    Group.objects.get(name=ROLES_BY_KEY["analyst"].name).user_set.add(first, second)

    assert staff_flag(first) and staff_flag(second)


def test_a_group_that_is_no_role_does_not_make_staff():
    user = UserFactory()

    user.groups.add(Group.objects.create(name="Newsletter readers"))

    assert not user.is_staff and not staff_flag(user)


def test_a_partner_user_given_a_role_stays_non_staff_and_the_write_goes_on():
    partner_user = PartnerUserFactory()
    user = partner_user.user

    user.groups.add(Group.objects.get(name=ROLES_BY_KEY["marketer"].name))

    assert not staff_flag(user)
    assert user.groups.filter(name=ROLES_BY_KEY["marketer"].name).exists()  # the transaction is usable
    assert role_holders_staff_set(user_ids=[user.pk]) == []


def test_an_administrator_adding_a_user_with_a_role_in_the_admin_makes_staff(client):
    roles_sync()
    administrator = StaffUserFactory()
    administrator.groups.add(Group.objects.get(name=ROLES_BY_KEY["administrator"].name))
    login_with_mfa(client, administrator)
    marketers = Group.objects.get(name=ROLES_BY_KEY["marketer"].name)

    response = client.post(USERS_ADD_URL, {
        "email": "new.marketer@troika.example",
        "first_name": "New",
        "last_name": "Marketer",
        "password1": "a-long-password-2026",
        "password2": "a-long-password-2026",
        "is_active": "on",
        "groups": [marketers.pk],
    })

    assert response.status_code == 302, getattr(response, "context", None) and response.context["form"].errors
    created = get_user_model().objects.get(email="new.marketer@troika.example")
    assert created.is_staff and list(created.groups.all()) == [marketers]


def test_wagtails_default_groups_hold_no_permission_after_migrate():
    for name in WAGTAIL_DEFAULT_GROUPS:
        group = Group.objects.get(name=name)
        assert not group.permissions.exists(), name
        assert not GroupPagePermission.objects.filter(group=group).exists(), name
        assert not GroupCollectionPermission.objects.filter(group=group).exists(), name


def test_permissions_put_back_in_a_default_group_are_removed_and_its_members_kept():
    editors = Group.objects.get(name="Editors")
    editors.permissions.add(Permission.objects.get(codename="access_admin"))
    publish = Permission.objects.get(codename="publish_page")
    GroupPagePermission.objects.create(group=editors, page=Page.get_first_root_node(), permission=publish)
    GroupCollectionPermission.objects.create(
        group=editors, collection=Collection.get_first_root_node(),
        permission=Permission.objects.get(codename="add_image"),
    )
    member = UserFactory()
    member.groups.add(editors)

    result = roles_sync()

    assert (result.permissions_removed, result.page_permissions_removed,
            result.collection_permissions_removed) == (1, 1, 1)
    assert not editors.permissions.exists()
    assert list(editors.user_set.all()) == [member]
    assert not roles_sync().changed
