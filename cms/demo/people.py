"""Demo logins: one staff user per role (club.accounts.roles, docs/roles.md), a partner user
and a few subscribers linked to lines."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from club.accounts.roles import ROLES_BY_KEY
from club.accounts.roles_sync import roles_sync
from club.members.models import Member

PARTNER_USERS_GROUP = "Partner users"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str
    note: str = ""


MFA_NOTE = "staff: the admin asks to set up an authenticator app (TOTP) at first login"
DEMO_MARKETER = DemoLogin("marketer", "marketer@troika.example", "troika-marketer-2026", MFA_NOTE)
# One login per staff role: (role key, login, first and last name).
DEMO_STAFF = [
    ("marketer", DEMO_MARKETER, "Mai", "Phạm"),
    ("campaign_approver", DemoLogin("campaign approver", "approver@troika.example", "troika-approver-2026",
                                    MFA_NOTE), "Tuấn", "Đỗ"),
    ("club_staff", DemoLogin("club staff", "club.staff@troika.example", "troika-clubstaff-2026", MFA_NOTE),
     "Linh", "Vũ"),
    ("account_manager", DemoLogin("account manager", "account.manager@troika.example",
                                  "troika-accountmanager-2026", MFA_NOTE), "Hùng", "Bùi"),
    ("support_agent", DemoLogin("support agent", "support@troika.example", "troika-support-2026", MFA_NOTE),
     "Thảo", "Ngô"),
    ("analyst", DemoLogin("analyst", "analyst@troika.example", "troika-analyst-2026", MFA_NOTE),
     "Khoa", "Đặng"),
    ("administrator", DemoLogin("administrator", "admin@troika.example", "troika-admin-2026", MFA_NOTE),
     "An", "Hoàng"),
]
DEMO_APPROVER = DEMO_STAFF[1][1]
DEMO_PARTNER = DemoLogin(
    "partner user", "partner@streamly.example", "troika-partner-2026",
    "Streamly's administrator at /partners/; the portal asks for an authenticator app (TOTP) at first login",
)
DEMO_SUBSCRIBERS = [
    DemoLogin("subscriber", "lan.nguyen@example.com", "troika-member-2026", "line SAO0000001"),
    DemoLogin("subscriber", "minh.tran@example.com", "troika-member-2026", "line SAO0000002"),
    DemoLogin("subscriber", "wei.chen@example.com", "troika-member-2026", "line SAO0000003"),
]


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
    roles_sync()
    staff_logins = []
    for key, login, first_name, last_name in DEMO_STAFF:
        user = _user(login, is_staff=True, first_name=first_name, last_name=last_name)
        user.groups.add(Group.objects.get(name=ROLES_BY_KEY[key].name))
        staff_logins.append(login)
    partners, _ = Group.objects.get_or_create(name=PARTNER_USERS_GROUP)
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
    return [*staff_logins, DEMO_PARTNER, *DEMO_SUBSCRIBERS]
