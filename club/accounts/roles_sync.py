"""Make the database's groups match ``club.accounts.roles`` (docs/roles.md).

``roles_sync`` is idempotent: a second run changes nothing. It adds what a role lists and
removes what it no longer lists (model, page and collection permissions, approval tasks), and
never adds or removes a group's members. It runs after every ``migrate`` (``post_migrate``,
once, after the last app) and from ``manage.py sync_roles``.

Wagtail's migrations create two groups of their own, "Editors" and "Moderators", with the
admin and page permissions on the whole tree. They are not roles: the sync empties them of
every permission (so that putting someone in one grants nothing roles.py does not define) and
leaves the groups and their members in place.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import Collection, GroupApprovalTask, GroupCollectionPermission, GroupPagePermission, Page

from .roles import ROLES, ROOT_PAGE, Role, role_definition_problems

DEFINITION_ERROR = "club.accounts.roles: "
WAGTAIL_DEFAULT_GROUPS = ("Editors", "Moderators")


class RoleDefinitionError(Exception):
    pass


@dataclass
class RolesSyncResult:
    groups_created: int = 0
    permissions_added: int = 0
    permissions_removed: int = 0
    page_permissions_added: int = 0
    page_permissions_removed: int = 0
    collection_permissions_added: int = 0
    collection_permissions_removed: int = 0
    unknown_permissions: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return any(
            (
                self.groups_created,
                self.permissions_added,
                self.permissions_removed,
                self.page_permissions_added,
                self.page_permissions_removed,
                self.collection_permissions_added,
                self.collection_permissions_removed,
            )
        )


def _permission_ids(role: Role, by_name: dict[str, int], unknown: set[str]) -> set[int]:
    if role.all_permissions:
        return set(by_name.values())
    unknown.update(name for name in role.permissions if name not in by_name)
    return {by_name[name] for name in role.permissions if name in by_name}


def _pages(page_type: str) -> list[Page]:
    if page_type == ROOT_PAGE:
        root = Page.get_first_root_node()
        return [root] if root else []
    app_label, model = page_type.split(".")
    content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
    return list(Page.objects.filter(content_type=content_type)) if content_type else []


def _sync_model_permissions(group: Group, wanted: set[int], result: RolesSyncResult) -> None:
    current = set(group.permissions.values_list("pk", flat=True))
    if missing := wanted - current:
        group.permissions.add(*missing)
    if extra := current - wanted:
        group.permissions.remove(*extra)
    result.permissions_added += len(missing)
    result.permissions_removed += len(extra)


def _sync_page_permissions(
    group: Group, role: Role, by_name: dict[str, int], result: RolesSyncResult
) -> None:
    wanted = {
        (page.pk, by_name[f"wagtailcore.{codename}"])
        for grant in role.page_grants
        for page in _pages(grant.page_type)
        for codename in grant.permissions
    }
    current = set(GroupPagePermission.objects.filter(group=group).values_list("page_id", "permission_id"))
    GroupPagePermission.objects.bulk_create(
        [
            GroupPagePermission(group=group, page_id=page, permission_id=perm)
            for page, perm in wanted - current
        ]
    )
    for page, perm in current - wanted:
        GroupPagePermission.objects.filter(group=group, page_id=page, permission_id=perm).delete()
    result.page_permissions_added += len(wanted - current)
    result.page_permissions_removed += len(current - wanted)


def _sync_collection_permissions(group: Group, role: Role, result: RolesSyncResult) -> None:
    root = Collection.get_first_root_node()
    if root is None:
        return
    wanted = set(
        Permission.objects.filter(
            content_type__app_label__in=("wagtailimages", "wagtaildocs"),
            codename__in=role.collection_permissions,
        ).values_list("pk", flat=True)
    )
    current = set(
        GroupCollectionPermission.objects.filter(group=group).values_list("permission_id", flat=True)
    )
    GroupCollectionPermission.objects.bulk_create(
        [GroupCollectionPermission(group=group, collection=root, permission_id=pk) for pk in wanted - current]
    )
    GroupCollectionPermission.objects.filter(group=group, permission_id__in=current - wanted).delete()
    result.collection_permissions_added += len(wanted - current)
    result.collection_permissions_removed += len(current - wanted)


def _sync_approval_tasks(group: Group, role: Role) -> None:
    for task in GroupApprovalTask.objects.filter(name__in=role.approval_tasks):
        task.groups.add(group)
    for task in GroupApprovalTask.objects.filter(groups=group).exclude(name__in=role.approval_tasks):
        task.groups.remove(group)


def _permissions_emptied(group: Group, result: RolesSyncResult) -> None:
    no_role = Role(key="", name=group.name, description="")
    _sync_model_permissions(group, set(), result)
    _sync_page_permissions(group, no_role, {}, result)
    _sync_collection_permissions(group, no_role, result)


@transaction.atomic
def roles_sync(*, strict: bool = True) -> RolesSyncResult:
    """Create or update one group per role. ``strict``: a permission the definitions name but
    the database lacks is an error (``RoleDefinitionError``); otherwise it is skipped and
    reported in ``unknown_permissions`` (after a partial ``migrate``)."""
    if problems := role_definition_problems(ROLES):
        raise RoleDefinitionError(DEFINITION_ERROR + "; ".join(problems))
    by_name = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    result = RolesSyncResult()
    unknown: set[str] = set()
    wanted_by_role = {role.key: _permission_ids(role, by_name, unknown) for role in ROLES}
    if unknown and strict:
        raise RoleDefinitionError(DEFINITION_ERROR + "unknown permissions " + ", ".join(sorted(unknown)))
    for role in ROLES:
        group, created = Group.objects.get_or_create(name=role.name)
        result.groups_created += created
        _sync_model_permissions(group, wanted_by_role[role.key], result)
        _sync_page_permissions(group, role, by_name, result)
        _sync_collection_permissions(group, role, result)
        _sync_approval_tasks(group, role)
    for group in Group.objects.filter(name__in=WAGTAIL_DEFAULT_GROUPS):
        _permissions_emptied(group, result)
    result.unknown_permissions = tuple(sorted(unknown))
    return result
