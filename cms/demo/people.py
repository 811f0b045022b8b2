"""Demo logins: a marketer (staff), a partner user and a few subscribers linked to lines."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from club.members.models import Member

MARKETERS_GROUP = "Marketers"
PARTNER_USERS_GROUP = "Partner users"
MARKETER_PERMISSIONS = [
    ("wagtailadmin", "admin", "access_admin"),
    ("members", "member", "view_member"),
    ("members", "member", "add_member"),
    ("members", "member", "change_member"),
    ("members", "interest", "view_interest"),
    ("members", "interest", "add_interest"),
    ("members", "interest", "change_interest"),
    ("members", "subscriberimport", "view_subscriberimport"),
    ("members", "subscriberimport", "add_subscriberimport"),
]
# Marketers run the financial tier: every permission of these apps (rules, tiers, discounts,
# the catalogue, redemptions, the ledger, quarantined events, bundles), publishing included.
MARKETER_APPS = ["activity", "ledger", "earning", "tiers", "discounts", "catalogue", "billing", "bundles"]


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str
    note: str = ""


DEMO_MARKETER = DemoLogin(
    "marketer", "marketer@troika.example", "troika-marketer-2026",
    "staff: the admin asks to set up an authenticator app (TOTP) at first login",
)
DEMO_PARTNER = DemoLogin(
    "partner user", "partner@streamly.example", "troika-partner-2026",
    "Streamly's administrator at /partners/; the portal asks for an authenticator app (TOTP) at first login",
)
DEMO_SUBSCRIBERS = [
    DemoLogin("subscriber", "lan.nguyen@example.com", "troika-member-2026", "line SAO0000001"),
    DemoLogin("subscriber", "minh.tran@example.com", "troika-member-2026", "line SAO0000002"),
    DemoLogin("subscriber", "wei.chen@example.com", "troika-member-2026", "line SAO0000003"),
]


def _group_with_permissions(name: str, permissions: list[tuple[str, str, str]]) -> Group:
    group, _ = Group.objects.get_or_create(name=name)
    wanted = [
        Permission.objects.get(content_type__app_label=app, content_type__model=model,
                               codename=codename)
        for app, model, codename in permissions
    ]
    missing = set(wanted) - set(group.permissions.all())
    if missing:
        group.permissions.add(*missing)
    return group


def _user(login: DemoLogin, **flags):
    User = get_user_model()
    user, created = User.objects.get_or_create(email=login.email, defaults=flags)
    if created:
        user.set_password(login.password)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=login.email, defaults={"verified": True, "primary": True}
    )
    return user


@transaction.atomic
def demo_people_load() -> list[DemoLogin]:
    marketers = _group_with_permissions(MARKETERS_GROUP, MARKETER_PERMISSIONS)
    rewards_permissions = set(Permission.objects.filter(content_type__app_label__in=MARKETER_APPS))
    if missing := rewards_permissions - set(marketers.permissions.all()):
        marketers.permissions.add(*missing)
    partners = _group_with_permissions(PARTNER_USERS_GROUP, [])
    marketer = _user(DEMO_MARKETER, is_staff=True, first_name="Mai", last_name="Phạm")
    marketer.groups.add(marketers)
    partner = _user(DEMO_PARTNER, first_name="Alex", last_name="Streamly")
    partner.groups.add(partners)
    for login in DEMO_SUBSCRIBERS:
        account_number = login.note.split()[-1]
        member = Member.objects.get(account_number=account_number)
        user = _user(login)
        if member.user_id is None:
            Member.objects.filter(pk=member.pk, user__isnull=True).update(user=user)
        if user.phone is None:
            type(user).objects.filter(pk=user.pk, phone__isnull=True).update(
                phone=member.msisdn, phone_verified=True
            )
    return [DEMO_MARKETER, DEMO_PARTNER, *DEMO_SUBSCRIBERS]
