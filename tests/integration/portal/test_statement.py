"""The portal's points statement: the member's own ledger entries, newest first, filtered,
paginated, totalled, and downloaded as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from rewards.ledger.models import EntryKind, SourceType
from rewards.ledger.services import points_grant, points_spend
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db
STATEMENT = reverse("portal:statement")
CSV_URL = reverse("portal:statement_csv")
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def grant(member, points, reason, at, kind=EntryKind.EARN, key=None):
    points_grant(
        member_id=member.pk,
        points=points,
        reason=reason,
        source_type=SourceType.SYSTEM,
        idempotency_key=key or f"{member.pk}:{reason}",
        earned_at=at,
        kind=kind,
    )


@pytest.fixture
def member(client):
    """A logged-in member: 500 earned on 1 March, 50 goodwill on 10 April, 60 spent today."""
    user = UserFactory()
    client.force_login(user)
    member = MemberFactory(user=user)
    grant(member, 500, "Bill paid: March", dt.datetime(2026, 3, 1, 10, 0, tzinfo=HCM))
    grant(
        member,
        50,
        "=Sorry for the outage",
        dt.datetime(2026, 4, 10, 23, 30, tzinfo=HCM),
        kind=EntryKind.GOODWILL,
    )
    points_spend(
        member_id=member.pk,
        points=60,
        reason="Redeemed: 1 GB data",
        source_type=SourceType.REDEMPTION,
        source_ref="1",
        idempotency_key=f"spend:{member.pk}",
    )
    return member


def reasons(page: str) -> list[str]:
    cell = r"\s*<td[^>]*>([^<]*)</td>"
    return [row[2] for row in re.findall(rf'<tr data-testid="entry">{cell}{cell}{cell}', page)]


def test_the_statement_needs_a_login(client):
    for url in (STATEMENT, CSV_URL):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?next={url}"


def test_a_login_without_a_line_is_sent_to_link_one(client):
    client.force_login(UserFactory())

    assert client.get(STATEMENT)["Location"] == reverse("portal:link")
    assert client.get(CSV_URL)["Location"] == reverse("portal:link")


def test_the_statement_lists_the_entries_newest_first_with_reasons_and_totals(client, member):
    other = MemberFactory()
    grant(other, 777, "Someone else's bill", dt.datetime(2026, 5, 1, tzinfo=HCM))

    page = client.get(STATEMENT).content.decode()

    assert reasons(page) == ["Redeemed: 1 GB data", "=Sorry for the outage", "Bill paid: March"]
    assert re.findall(r'data-testid="entry-points">([^<]+)<', page) == ["-60", "+50", "+500"]
    assert "Someone else" not in page and "777" not in page
    assert "Available now: 490 points" in page
    assert re.search(r'data-testid="total-credits">\+550<', page)
    assert re.search(r'data-testid="total-debits">-60<', page)
    assert re.search(r'data-testid="total-net">490<', page)
    assert f'href="{STATEMENT}"' in page  # the nav link


@pytest.mark.parametrize(
    ("query", "shown", "net"),
    [
        ("?kind=earn", ["Bill paid: March"], "500"),
        ("?kind=goodwill", ["=Sorry for the outage"], "50"),
        ("?date_from=2026-04-10&date_to=2026-04-10", ["=Sorry for the outage"], "50"),  # the end day included
        ("?date_from=2026-03-02&date_to=2026-04-09", [], "0"),
        ("?date_to=2026-03-01", ["Bill paid: March"], "500"),
        ("?date_from=2026-04-11", ["Redeemed: 1 GB data"], "-60"),
        ("?kind=redeem&date_from=2026-01-01", ["Redeemed: 1 GB data"], "-60"),
    ],
    ids=["earned", "goodwill", "one-day", "empty-range", "until", "since", "kind-and-date"],
)
def test_the_filters_select_the_entries(client, member, query, shown, net):
    page = client.get(STATEMENT + query).content.decode()

    assert reasons(page) == shown
    assert re.search(rf'data-testid="total-net">{net}<', page)
    assert ("No entries match these filters." in page) == (not shown)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?date_from=yesterday", "Enter the start date as YYYY-MM-DD."),
        ("?date_to=2026-02-30", "Enter the end date as YYYY-MM-DD."),
        ("?date_from=2026-05-01&date_to=2026-04-01", "The end date must be on or after the start date."),
        ("?kind=stolen", "Choose a kind from the list."),
    ],
    ids=["bad-from", "bad-to", "reversed", "bad-kind"],
)
def test_bad_filters_are_refused_with_a_message(client, member, query, message):
    page_response = client.get(STATEMENT + query)
    csv_response = client.get(CSV_URL + query)

    assert page_response.status_code == csv_response.status_code == 400
    assert message in page_response.content.decode()
    assert 'data-testid="entry"' not in page_response.content.decode()
    assert message in csv_response.content.decode()


def test_the_statement_pages_by_twenty_five(client, member):
    for n in range(27):
        grant(member, 1, f"Bonus {n}", dt.datetime(2026, 1, 1, tzinfo=HCM) + dt.timedelta(hours=n))

    first = client.get(STATEMENT).content.decode()
    second = client.get(STATEMENT + "?page=2").content.decode()
    filtered = client.get(STATEMENT + "?kind=earn&page=2").content.decode()

    assert len(reasons(first)) == 25 and "Page 1 of 2" in first
    assert reasons(second) == ["Bonus 4", "Bonus 3", "Bonus 2", "Bonus 1", "Bonus 0"]  # 30 entries
    assert 'href="?kind=earn&amp;page=1"' in filtered  # the filters stay on the pager's links
    assert client.get(STATEMENT + "?page=abc").status_code == 200
    assert reasons(client.get(STATEMENT + "?page=99").content.decode()) == reasons(second)


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_csv_has_a_header_integer_amounts_and_iso_dates(client, member):
    response = client.get(CSV_URL + "?date_to=2026-12-31&date_from=2026-01-01&kind=")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="points-statement_2026-01-01_to_2026-12-31.csv"'
    )
    table = read_csv(response)
    assert table[0] == ["date", "kind", "points", "reason"]
    assert table[1][1:] == ["redeem", "-60", "Redeemed: 1 GB data"]
    assert table[2:] == [
        ["2026-04-10T23:30:00+07:00", "goodwill", "50", "'=Sorry for the outage"],  # no formula
        ["2026-03-01T10:00:00+07:00", "earn", "500", "Bill paid: March"],
    ]


def test_the_csv_follows_the_filters_and_shows_only_the_members_entries(client, member):
    other = MemberFactory()
    grant(other, 777, "Someone else's bill", dt.datetime(2026, 3, 1, tzinfo=HCM))

    response = client.get(CSV_URL + "?kind=earn")

    assert response["Content-Disposition"] == 'attachment; filename="points-statement_earn.csv"'
    assert read_csv(response) == [
        ["date", "kind", "points", "reason"],
        ["2026-03-01T10:00:00+07:00", "earn", "500", "Bill paid: March"],
    ]


def test_the_page_links_to_the_csv_of_its_filters(client, member):
    page = client.get(STATEMENT + "?kind=earn&date_from=2026-01-01").content.decode()

    assert f'href="{CSV_URL}?date_from=2026-01-01&amp;kind=earn"' in page
