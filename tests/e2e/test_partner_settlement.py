"""Settlement in chromium: the operator's finance prepares a month's statement in the admin,
approves and issues it; the partner then finds it in its portal and downloads the PDF."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from partners.settlement.models import Statement, StatementState
from tests.integration.members.factories_admin import staff_with_mfa
from tests.integration.partners.settlement_helpers import build_month
from tests.mfa_login import login_with_mfa
from tests.partner_fixtures import partner_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def use_session(page, live_server, client: Client) -> None:
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_finance_issues_a_statement_and_the_partner_downloads_it(page, live_server, shot):
    month = build_month()
    finance = staff_with_mfa(
        "wagtailadmin.access_admin", "settlement.view_statement", "settlement.approve_statement",
    )
    client = Client()
    login_with_mfa(client, finance)
    use_session(page, live_server, client)

    # given: finance prepares the month in the admin
    page.goto(reverse("settlement_statements:index"))
    page.get_by_role("link", name="Prepare a statement").click()
    form = page.locator("main form")
    form.get_by_label("Partner", exact=False).select_option(label="Streamly")
    form.get_by_label("Month", exact=False).fill(f"{month.M:%Y-%m}")
    shot("1-prepare")
    page.get_by_role("button", name="Prepare").click()
    page.wait_for_url("**/settlement/statements/inspect/**")
    assert page.locator("[data-statement-lines] tbody tr").count() == 6  # no revenue entered
    shot("2-draft")

    # when: approved, then issued
    page.get_by_role("button", name="Approve").click()
    page.get_by_text("The statement is approved.").wait_for()
    page.get_by_role("button", name="Issue (final: it can no longer change)").click()
    page.get_by_text("The statement is issued; it can no longer change.").wait_for()
    statement = Statement.objects.get(partner_id=month.partner_user.partner_id, period=month.M)
    assert statement.state == StatementState.ISSUED
    shot("3-issued")

    # then: the partner sees it in its portal and downloads the PDF
    partner_client = Client()
    partner_login(partner_client, month.partner_user.user)
    use_session(page, live_server, partner_client)
    page.goto(reverse("partners:statements"))
    page.get_by_role("link", name=f"{month.M:%B %Y}").click()
    page.wait_for_url(f"**/partners/statements/{statement.pk}/")
    assert page.get_by_text(statement.number).first.is_visible()
    assert page.get_by_text("25,000 VND").is_visible()  # net: 40,000 of funding - 15,000 of adjustments
    shot("4-partner-statement")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    slug = month.partner_user.partner.slug
    assert download.value.suggested_filename == f"statement-{slug}-{month.M:%Y-%m}.pdf"
