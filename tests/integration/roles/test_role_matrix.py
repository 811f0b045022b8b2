"""Each staff role (club.accounts.roles) against each admin action, through real HTTP requests.

A cell is allowed (2xx or a redirect to success, and the change is in the database) or
forbidden (403 or the admin's redirect to its dashboard, and nothing changed: neither the
action's own rows nor the row count of any table of the project, the users, the groups or
Wagtail's revisions, workflows and logs). The table ``ALLOWED`` is the specification; the
last test prints one line of figures.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from club.accounts.roles import ROLES, ROLES_BY_KEY
from club.accounts.roles_sync import roles_sync
from club.care.models import AccountManager, Complaint, ContactLogEntry, ManagerAssignment
from club.care.services import complaint_file
from club.events.models import EventPage, Rsvp
from club.events.services import rsvp_create
from club.members.models import MemberErasure
from rewards.discounts.models import DiscountSchedule
from rewards.earning.models import EarningRule
from rewards.ledger.models import LedgerEntry
from rewards.tiers.models import Tier
from tests.factories import MemberFactory, StaffUserFactory, TierFactory
from tests.integration.campaigns.factories import AudienceFactory, CampaignFactory
from tests.integration.campaigns.test_campaign_admin import campaign_form
from tests.integration.discounts.test_schedule_admin import form_data as schedule_form
from tests.integration.earning.test_admin import rule_form
from tests.integration.events.conftest import make_event, make_index
from tests.integration.events.test_event_admin import edit_form
from tests.integration.members.factories_admin import staff_with_mfa
from tests.integration.tiers.test_admin import tier_form
from tests.mfa_login import login_with_mfa

pytestmark = pytest.mark.django_db

# Resolved at import, before the test database exists: loading the admin URLs registers the
# snippet viewsets, so that migrate creates their publish and lock permissions.
CAMPAIGNS = "wagtailsnippets_campaigns_campaign"
TIERS = "wagtailsnippets_tiers_tier"
EARNING_RULES = "wagtailsnippets_earning_earningrule"
DISCOUNT_SCHEDULES = "wagtailsnippets_discounts_discountschedule"
CAMPAIGN_ADD_URL = reverse(f"{CAMPAIGNS}:add")
REPORTS_URL = reverse("campaign_reports:index")

ALL = {role.key for role in ROLES}
ALLOWED: dict[str, set[str]] = {
    "create campaign": {"marketer", "administrator"},
    "edit campaign": {"marketer", "campaign_approver", "administrator"},
    "approve campaign": {"campaign_approver", "administrator"},
    "edit event": {"marketer", "club_staff", "administrator"},
    "check in at the door": {"club_staff", "administrator"},
    "add contact-log entry": {"account_manager", "support_agent", "administrator"},
    "assign account manager": {"account_manager", "administrator"},
    "handle complaint": {"support_agent", "administrator"},
    "adjust points": {"support_agent", "administrator"},
    "erase member": {"support_agent", "administrator"},
    "view reports": {"marketer", "campaign_approver", "analyst", "administrator"},
    "export report": {"marketer", "campaign_approver", "analyst", "administrator"},
    "edit tier": {"marketer", "administrator"},
    "publish earning rule": {"marketer", "administrator"},
    "publish discount schedule": {"marketer", "administrator"},
    "manage users": {"administrator"},
    "edit role": {"administrator"},
}
RESULTS: dict[tuple[str, str], bool] = {}


@dataclass
class Cell:
    """What one action needs: ``act`` makes the request, ``state`` reads the rows it changes,
    ``done`` says whether a state is the one the action leads to."""

    act: Callable
    state: Callable
    done: Callable


def _campaign_create(user):
    audience = AudienceFactory(name="Everyone")
    names = lambda: set(Campaign.objects.values_list("name", flat=True))  # noqa: E731
    return Cell(
        lambda client: client.post(CAMPAIGN_ADD_URL, campaign_form(audience)),
        names,
        lambda state: "Weekend data" in state,
    )


def _campaign_edit(user):
    campaign = CampaignFactory(name="Spring data", live=False)
    message = campaign.messages.get()
    messages = [
        {"id": str(message.pk), "language": "en", "title": "Autumn", "body": "Body", "sms_text": "SMS"}
    ]
    url = reverse(f"{CAMPAIGNS}:edit", args=[campaign.pk])

    def state():
        campaign.refresh_from_db()
        revision = campaign.latest_revision
        return campaign.name, revision.content["name"] if revision else None

    form = {
        **campaign_form(campaign.audience, messages=messages, name="Autumn data"),
        "messages-INITIAL_FORMS": "1",
    }
    return Cell(lambda client: client.post(url, form), state, lambda state: "Autumn data" in state)


def _campaign_approve(user):
    from wagtail.models import WorkflowState

    campaign = CampaignFactory(name="Needs approval", live=False)
    submitter = StaffUserFactory()
    campaign.save_revision(user=submitter)
    campaign.get_workflow().start(campaign, submitter)
    workflow_state = WorkflowState.objects.get(object_id=str(campaign.pk))
    url = reverse(
        f"{CAMPAIGNS}:workflow_action", args=(campaign.pk, "approve", workflow_state.current_task_state.pk)
    )

    def state():
        workflow_state.refresh_from_db()
        return workflow_state.status, Campaign.objects.get(pk=campaign.pk).live

    return Cell(
        lambda client: client.post(url, {"comment": "Fine"}), state, lambda state: state == ("approved", True)
    )


def _event_edit(user):
    index = make_index()
    roles_sync()  # the club staff's page permissions cover every events index, this new one too
    event = make_event(index, capacity=10)
    url = reverse("wagtailadmin_pages:edit", args=(event.pk,))
    state = lambda: EventPage.objects.get(pk=event.pk).capacity  # noqa: E731
    return Cell(
        lambda client: client.post(url, edit_form(event, capacity=25)), state, lambda state: state == 25
    )


def _check_in(user):
    now = timezone.now()
    event = make_event(
        make_index(),
        title="Tonight",
        slug="tonight",
        starts_at=now + dt.timedelta(minutes=30),
        ends_at=now + dt.timedelta(hours=2),
        rsvp_closes_hours_before=0,
    )
    member = MemberFactory()
    rsvp_create(event_id=event.pk, member_id=member.pk)
    rsvp = Rsvp.objects.get(event=event, member=member)
    url = reverse("events_check_in", args=(event.pk,))
    state = lambda: Rsvp.objects.get(pk=rsvp.pk).checked_in_by_id  # noqa: E731
    return Cell(
        lambda client: client.post(url, {"token": rsvp.ticket_token}), state, lambda state: state == user.pk
    )


def _contact_log(user):
    member = MemberFactory()
    url = reverse("care_member", args=[member.pk])
    when = timezone.localtime().strftime("%Y-%m-%d %H:%M")

    def state():
        return list(ContactLogEntry.objects.filter(member=member).values_list("staff_user_id", "summary"))

    return Cell(
        lambda client: client.post(
            url, {"action": "log", "kind": "call", "happened_at": when, "summary": "Asked about roaming."}
        ),
        state,
        lambda state: state == [(user.pk, "Asked about roaming.")],
    )


def _manager_assign(user):
    member = MemberFactory(customer_type="enterprise")
    manager = AccountManager.objects.create(
        user=StaffUserFactory(),
        display_name="Lan",
        phone="+84912000001",
        email="lan@operator.test",
        capacity=100,
    )
    url = reverse("care_member", args=[member.pk])
    state = lambda: list(ManagerAssignment.objects.filter(member=member).values_list("manager_id", flat=True))  # noqa: E731
    return Cell(
        lambda client: client.post(url, {"action": "assign", "manager": manager.pk}),
        state,
        lambda state: state == [manager.pk],
    )


def _complaint_handle(user):
    complaint = complaint_file(
        member_id=MemberFactory().pk, category="billing", subject="Charged twice", description="Details."
    )
    url = reverse("care_complaint", args=[complaint.pk])
    state = lambda: Complaint.objects.filter(pk=complaint.pk).values_list("status", "assigned_to_id").get()  # noqa: E731
    return Cell(lambda client: client.post(url, {"action": "take"}), state, lambda state: state[1] == user.pk)


def _points_adjust(user):
    member = MemberFactory()
    url = f"/admin/rewards/ledger/{member.pk}/"
    state = lambda: LedgerEntry.objects.filter(member=member).aggregate(total=Sum("points"))["total"]  # noqa: E731
    return Cell(
        lambda client: client.post(
            url, {"points": 50, "reason": "Goodwill for a dropped call", "request_key": uuid.uuid4()}
        ),
        state,
        lambda state: state == 50,
    )


def _member_erase(user):
    member = MemberFactory()
    url = reverse("member:erase", args=[member.pk])
    state = lambda: list(MemberErasure.objects.filter(member=member).values_list("erased_by_id", flat=True))  # noqa: E731
    return Cell(
        lambda client: client.post(url, {"account_number": member.account_number}),
        state,
        lambda state: state == [user.pk],
    )


def _report(export: bool):
    def build(user):
        CampaignFactory(name="Summer roaming")
        params = {"export": "csv"} if export else {}

        def act(client):
            response = client.get(REPORTS_URL, params)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            act.seen = "Summer roaming" in body.decode()
            act.csv = response.get("Content-Type", "").startswith("text/csv")
            return response

        act.seen = act.csv = False
        # A read: its "state" is what the response disclosed.
        return Cell(act, lambda: (act.seen, act.csv), lambda state: state == (True, export))

    return build


def _tier_edit(user):
    tier = TierFactory(code="gold", name="Gold", rank=20)
    url = reverse(f"{TIERS}:edit", args=[tier.pk])
    state = lambda: Tier.objects.filter(pk=tier.pk).values_list("min_rolling_spend", "live").get()  # noqa: E731
    form = tier_form(min_rolling_spend="12000000", **{"action-publish": "action-publish"})
    return Cell(
        lambda client: client.post(url, form), state, lambda state: state[0] == 12_000_000 and state[1]
    )


def _earning_rule_publish(user):
    state = lambda: list(EarningRule.objects.filter(name="Bills").values_list("live", flat=True))  # noqa: E731
    return Cell(lambda client: client.post(reverse(f"{EARNING_RULES}:add"), rule_form()), state,
                lambda state: state == [True])


def _discount_schedule_publish(user):
    names = DiscountSchedule.objects.filter(name="Households 2026")
    state = lambda: list(names.values_list("live", flat=True))  # noqa: E731
    form = schedule_form(brackets=[("10000000", "2")], bands=[("1", "1")])
    return Cell(lambda client: client.post(reverse(f"{DISCOUNT_SCHEDULES}:add"), form), state,
                lambda state: state == [True])


def _user_add(user):
    users = get_user_model().objects
    state = lambda: users.filter(email="new.staff@troika.example").exists()  # noqa: E731
    form = {
        "email": "new.staff@troika.example",
        "first_name": "New",
        "last_name": "Staff",
        "password1": "a-long-password-2026",
        "password2": "a-long-password-2026",
        "is_active": "on",
    }
    return Cell(
        lambda client: client.post(reverse("wagtailusers_users:add"), form), state, lambda state: state
    )


def _role_edit(user):
    """Someone gives the analysts the right to manage users: only an administrator may."""
    analysts = Group.objects.get(name=ROLES_BY_KEY["analyst"].name)
    url = reverse("wagtailusers_groups:edit", args=[analysts.pk])
    state = lambda: set(analysts.permissions.values_list("codename", flat=True))  # noqa: E731

    def act(client):
        page = client.get(url)
        if page.status_code != 200:
            return page
        offered = page.context["form"].fields["permissions"].queryset
        kept = offered.filter(group=analysts).values_list("pk", flat=True)
        data = {"name": analysts.name, "permissions": [*kept, _permission("accounts", "add_user")]}
        for formset in page.context["permission_panels"]:
            data.update(_formset_data(formset))
        response = client.post(url, data)
        if response.status_code == 200:
            act.errors = (
                response.context["form"].errors,
                [f.errors for f in response.context["permission_panels"]],
            )
        return response

    act.errors = None
    return Cell(act, state, lambda state: "add_user" in state)


def _permission(app_label: str, codename: str) -> int:
    from django.contrib.auth.models import Permission

    return Permission.objects.get(content_type__app_label=app_label, codename=codename).pk


def _formset_data(formset) -> dict:
    """What the browser posts back for an unchanged formset of the group editor."""
    data = {f"{formset.prefix}-{key}": value for key, value in formset.management_form.initial.items()}
    for form in formset.forms:
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if value is None:
                continue
            many = isinstance(value, (list, tuple, set)) or hasattr(value, "values_list")
            data[form.add_prefix(name)] = (
                [getattr(v, "pk", v) for v in value] if many else getattr(value, "pk", value)
            )
    return data


ACTIONS: dict[str, Callable] = {
    "create campaign": _campaign_create,
    "edit campaign": _campaign_edit,
    "approve campaign": _campaign_approve,
    "edit event": _event_edit,
    "check in at the door": _check_in,
    "add contact-log entry": _contact_log,
    "assign account manager": _manager_assign,
    "handle complaint": _complaint_handle,
    "adjust points": _points_adjust,
    "erase member": _member_erase,
    "view reports": _report(export=False),
    "export report": _report(export=True),
    "edit tier": _tier_edit,
    "publish earning rule": _earning_rule_publish,
    "publish discount schedule": _discount_schedule_publish,
    "manage users": _user_add,
    "edit role": _role_edit,
}
CELLS = [(role.key, action) for role in ROLES for action in ACTIONS]


def _row_counts() -> dict[str, int]:
    """The row count of every table of the project's apps, users, groups and Wagtail's records."""
    wagtail = {
        "revision",
        "workflowstate",
        "taskstate",
        "modellogentry",
        "pagelogentry",
        "grouppagepermission",
    }
    models = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model.__module__.split(".")[0] in {"club", "rewards", "campaigns", "partners", "cms"}
        or model._meta.app_label in {"auth", "accounts"}
        or (model._meta.app_label == "wagtailcore" and model._meta.model_name in wagtail)
    ]
    tables = sorted({model._meta.db_table for model in models})
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in tables))
        return dict(zip(tables, cursor.fetchone(), strict=True))


def _refused(response) -> bool:
    """The admin answers a PermissionDenied with a 403, or a redirect to its dashboard."""
    return response.status_code == 403 or (
        response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    )


def _succeeded(response) -> bool:
    return response.status_code in (200, 302) and not _refused(response)


@pytest.mark.parametrize(
    ("role_key", "action"), CELLS, ids=[f"{role}-{action.replace(' ', '_')}" for role, action in CELLS]
)
def test_role_action(client, role_key, action):
    # given: a staff user with a TOTP authenticator in the role's group, and what the action needs
    roles_sync()
    user = staff_with_mfa()
    user.groups.add(Group.objects.get(name=ROLES_BY_KEY[role_key].name))
    cell = ACTIONS[action](user)
    login_with_mfa(client, user)
    before, counts = cell.state(), _row_counts()

    # when
    response = cell.act(client)

    # then
    after = cell.state()
    allowed = role_key in ALLOWED[action]
    if allowed:
        assert _succeeded(response), (response.status_code, response.get("Location"))
        assert cell.done(after) and not cell.done(before), (before, after, getattr(cell.act, "errors", None))
    else:
        assert _refused(response), (response.status_code, response.get("Location"))
        assert after == before
        assert _row_counts() == counts
    RESULTS[(role_key, action)] = allowed


def test_role_matrix_summary():
    """Runs after the table: one line of figures (only when the whole table ran)."""
    if len(RESULTS) != len(CELLS):
        pytest.skip("the whole matrix did not run")
    allowed = sum(RESULTS.values())
    print(
        f"\nrole matrix: {len(ROLES)} roles x {len(ACTIONS)} actions = {len(CELLS)} cells, "
        f"{allowed} allowed, {len(CELLS) - allowed} forbidden, all as specified"
    )
    assert set(ALLOWED) == set(ACTIONS) and all(keys <= ALL for keys in ALLOWED.values())
