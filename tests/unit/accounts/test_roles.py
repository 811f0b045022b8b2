"""The roles' definitions (club/accounts/roles.py), without a database."""

from __future__ import annotations

from pathlib import Path

import pytest

from club.accounts.roles import ROLES, Role, admin_only, role_definition_problems, roles_markdown

DOC = Path(__file__).resolve().parents[3] / "docs" / "roles.md"


def test_the_seven_roles_are_defined_without_a_problem():
    assert [role.key for role in ROLES] == ["marketer", "campaign_approver", "club_staff", "account_manager",
                                            "support_agent", "analyst", "administrator"]
    assert role_definition_problems() == []


@pytest.mark.parametrize(
    ("permission", "expected"),
    [("accounts.add_user", True), ("auth.change_group", True), ("wagtailusers.change_userprofile", True),
     ("wagtailcore.add_grouppagepermission", True), ("wagtailcore.change_workflow", True),
     ("partner_api.add_apikey", True), ("rewards.view_operatorapitoken", True),
     ("tiers.change_tier", False), ("events.check_in_rsvp", False), ("wagtailadmin.access_admin", False)],
)
def test_admin_only_permissions(permission, expected):
    assert admin_only(permission) is expected


def test_only_the_administrators_hold_admin_only_permissions():
    for role in ROLES:
        assert role.all_permissions == (role.key == "administrator")
        assert not [p for p in role.permissions if admin_only(p)], role.key


def test_a_role_that_could_manage_users_or_is_malformed_is_refused():
    sneaky = Role(key="marketer", name="Helpers", description="",
                  permissions=("auth.change_group", "accounts.add_user", "tiers_change_tier"))
    everything = Role(key="root", name="Marketers", description="", all_permissions=True,
                      permissions=("accounts.add_user",))

    problems = role_definition_problems((*ROLES, sneaky, everything))

    assert problems == [
        "key 'marketer' is used twice", "name 'Marketers' is used twice",
        "marketer: auth.change_group is for administrators only",
        "marketer: accounts.add_user is for administrators only",
        "marketer: 'tiers_change_tier' is not app_label.codename",
    ]


def test_docs_roles_md_shows_the_table_of_the_code():
    text = DOC.read_text(encoding="utf-8")
    start = text.index("\n", text.index("<!-- roles:start")) + 1
    end = text.index("<!-- roles:end -->")
    assert text[start:end] == roles_markdown()
