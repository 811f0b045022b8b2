"""``roles_sync`` and ``manage.py sync_roles``: the groups match club/accounts/roles.py after
migrate, drift is repaired, a second run changes nothing, members are never touched, and a
partner user in a role still cannot open the admin."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import GroupApprovalTask, GroupPagePermission

import club.accounts.roles_sync as roles_sync_module
from club.accounts.roles import ADMINISTRATOR, APPROVER, CAMPAIGN_APPROVAL_TASK, CLUB_STAFF, ROLES, Role
from club.accounts.roles_sync import RoleDefinitionError, roles_sync
from tests.factories import StaffUserFactory
from tests.integration.events.conftest import make_index
from tests.partner_fixtures import PartnerUserFactory, partner_login

pytestmark = pytest.mark.django_db

# Resolved at import, before the test database exists: the snippets' publish and lock
# permissions are created by migrate only once the admin URLs have registered the snippets.
ADMIN_HOME = reverse("wagtailadmin_home")


def names(group: Group) -> set[str]:
    return {f"{app}.{codename}" for app, codename in
            group.permissions.values_list("content_type__app_label", "codename")}


def test_after_migrate_every_role_has_exactly_its_permissions():
    for role in ROLES:
        group = Group.objects.get(name=role.name)
        if role.all_permissions:
            assert group.permissions.count() == Permission.objects.count()
        else:
            assert names(group) == set(role.permissions), role.key
    task = GroupApprovalTask.objects.get(name=CAMPAIGN_APPROVAL_TASK)
    assert set(task.groups.values_list("name", flat=True)) == {APPROVER.name, ADMINISTRATOR.name}
    assert not roles_sync().changed


def test_drift_is_repaired_members_are_kept_and_a_second_run_changes_nothing():
    index = make_index()
    assert roles_sync().page_permissions_added == 3  # the club staff's, on the new events index
    marketers, analysts, club_staff = (Group.objects.get(name=name) for name in
                                       ("Marketers", "Analysts", CLUB_STAFF.name))
    marketers.permissions.remove(Permission.objects.get(codename="publish_tier"))
    analysts.permissions.add(Permission.objects.get(content_type__app_label="accounts", codename="add_user"))
    publish = Permission.objects.get(content_type__app_label="wagtailcore", codename="publish_page")
    GroupPagePermission.objects.filter(group=club_staff, page=index, permission=publish).delete()
    analyst = StaffUserFactory()
    analyst.groups.add(analysts)

    first = roles_sync()
    second = roles_sync()

    assert (first.groups_created, first.permissions_added, first.permissions_removed) == (0, 1, 1)
    assert (first.page_permissions_added, first.page_permissions_removed) == (1, 0)
    assert not second.changed
    assert "tiers.publish_tier" in names(marketers) and "accounts.add_user" not in names(analysts)
    assert list(analysts.user_set.all()) == [analyst]
    assert GroupPagePermission.objects.filter(group=club_staff, page=index).count() == 3


def test_a_deleted_role_group_is_created_again_without_its_former_members():
    Group.objects.filter(name=CLUB_STAFF.name).delete()

    result = roles_sync()

    assert result.groups_created == 1
    assert names(Group.objects.get(name=CLUB_STAFF.name)) == set(CLUB_STAFF.permissions)


def test_an_unknown_permission_fails_the_command_and_is_skipped_after_migrate(monkeypatch):
    broken = Role(key="broken", name="Broken", description="",
                  permissions=("tiers.fly_tier", "tiers.view_tier"))
    monkeypatch.setattr(roles_sync_module, "ROLES", (*ROLES, broken))

    with pytest.raises(RoleDefinitionError, match="tiers.fly_tier"):
        roles_sync()
    assert not Group.objects.filter(name="Broken").exists()
    lenient = roles_sync(strict=False)
    assert lenient.unknown_permissions == ("tiers.fly_tier",)
    assert names(Group.objects.get(name="Broken")) == {"tiers.view_tier"}


def test_the_command_reports_what_it_changed():
    Group.objects.get(name="Support agents").permissions.clear()
    out = io.StringIO()

    call_command("sync_roles", stdout=out)
    call_command("sync_roles", stdout=out)

    first, second = out.getvalue().splitlines()
    assert first.startswith("Roles: groups created 0; permissions added ") and " removed 0;" in first
    assert second == ("Roles: groups created 0; permissions added 0, removed 0; page permissions added 0, "
                      "removed 0; collection permissions added 0, removed 0.")


@pytest.mark.parametrize("role", ROLES, ids=[role.key for role in ROLES])
def test_a_partner_user_given_a_role_still_cannot_open_the_admin(client, role):
    partner_user = PartnerUserFactory()
    partner_user.user.groups.add(Group.objects.get(name=role.name))
    partner_login(client, partner_user.user)

    for path in (ADMIN_HOME, reverse("campaign_reports:index"), reverse("events_door")):
        assert client.get(path).status_code == 403, path
    partner_user.user.refresh_from_db()
    assert not partner_user.user.is_staff
