"""Demo personal contact: two account managers, a rule for enterprise, government and VIP
lines, the rules run once, Lan's line given a manager by hand and a few contacts recorded (the care
permissions belong to the account manager and support agent roles, docs/roles.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from club.care.models import AccountManager, ContactLogEntry, ManagerAssignment, ManagerRule
from club.care.services import RuleRun, contact_log_add, manager_assign, managers_assign_by_rules
from club.members.models import Member

from .people import DEMO_MARKETER

MANAGERS = [
    ("hoa.pham@troika.example", "Phạm Thu Hoà", "+84912300101"),
    ("quang.le@troika.example", "Lê Minh Quang", "+84912300102"),
]
CONTACTS = [
    ("call", 3, "Called about the renewal of the company's 40 lines; sent the enterprise price list."),
    ("visit", 10, "Visited the office: wants roaming for a team travelling to Japan in March."),
    ("note", 20, "Prefers email before 10 am; do not call at lunch."),
]


@dataclass(frozen=True)
class CareDemo:
    managers_created: int
    run: RuleRun
    contacts_created: int


@transaction.atomic
def demo_care_load() -> CareDemo:
    users = get_user_model()
    created = 0
    managers = []
    for email, name, phone in MANAGERS:
        # staff without a password: contacts shown to members (account managers and support
        # agents run the care screens, docs/roles.md)
        user, _new = users.objects.get_or_create(email=email, defaults={"is_staff": True, "first_name": name})
        manager, new = AccountManager.objects.get_or_create(
            user=user, defaults={"display_name": name, "phone": phone, "email": email, "capacity": 400})
        created += new
        managers.append(manager)
    rule, new_rule = ManagerRule.objects.get_or_create(
        name="Enterprise, government and VIP",
        defaults={"customer_types": ["enterprise", "government"], "segments": ["vip"], "priority": 10})
    if new_rule:
        rule.managers.set(managers)
    run = managers_assign_by_rules()
    marketer = users.objects.get(email=DEMO_MARKETER.email)
    lan = Member.objects.get(account_number="SAO0000001")
    if not ManagerAssignment.objects.filter(member=lan).exists():
        manager_assign(member_id=lan.pk, manager_id=managers[0].pk, staff_user=marketer)
    contacts = 0
    if not ContactLogEntry.objects.filter(member=lan).exists():
        now = timezone.now()
        for kind, days_ago, summary in CONTACTS:
            follow_up = timezone.localdate(now) + dt.timedelta(days=7) if kind == "call" else None
            contact_log_add(member_id=lan.pk, staff_user=marketer, kind=kind, summary=summary,
                            happened_at=now - dt.timedelta(days=days_ago), follow_up_on=follow_up)
            contacts += 1
    return CareDemo(managers_created=created, run=run, contacts_created=contacts)
