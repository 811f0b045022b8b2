"""A support agent erases a member's personal data from the admin, in Chromium: the button on
the member's page, the confirmation page, a wrong account number refused with a message, the
right one erasing; the member's page then shows the pseudonym. In chromium."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from club.accounts.roles import ROLES_BY_KEY
from club.members.models import Member, MemberErasure
from tests.factories import MemberFactory, UserFactory
from tests.integration.members.factories_admin import staff_with_mfa
from tests.mfa_login import login_with_mfa

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def support_agent_session(page, live_server):
    agent = staff_with_mfa()
    agent.groups.add(Group.objects.get(name=ROLES_BY_KEY["support_agent"].name))
    client = Client()
    login_with_mfa(client, agent)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])
    return agent


def test_a_support_agent_erases_a_members_personal_data(page, live_server, shot):
    member = MemberFactory(msisdn="+84912000777", account_number="ACC-E2E-777", city="Huế",
                           user=UserFactory(email="mai.erase@example.test"))
    agent = support_agent_session(page, live_server)

    page.goto(live_server.url + reverse("member:inspect", args=[member.pk]))
    page.locator("[data-erase-link]").click()
    page.locator("[data-erase-summary]").wait_for()
    shot("1-confirmation")

    page.get_by_label("Account number").fill("ACC-E2E-778")
    page.locator("[data-erase-form] button[type=submit]").click()
    page.get_by_text("Type the member's account number exactly to confirm.").wait_for()
    assert not MemberErasure.objects.filter(member=member).exists()
    shot("2-wrong-number")

    page.get_by_label("Account number").fill("ACC-E2E-777")
    page.locator("[data-erase-form] button[type=submit]").click()
    page.get_by_text("The member's personal data was erased.").wait_for()
    shot("3-erased")

    erased = Member.objects.get(pk=member.pk)
    assert MemberErasure.objects.get(member=member).erased_by_id == agent.pk
    assert erased.msisdn != "+84912000777" and erased.account_number != "ACC-E2E-777"
    body = page.content()
    assert "ACC-E2E-777" not in body and "+84912000777" not in body and erased.account_number in body
