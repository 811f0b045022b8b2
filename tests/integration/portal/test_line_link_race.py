"""Races on linking: real concurrency, so PostgreSQL (SQLite serialises every writer)."""


import pytest

from club.members.models import Member
from club.members.services.billing_detail import billing_detail_digest
from club.members.services.line_link import LineLinkError, line_link_by_account
from tests.factories import MemberFactory, UserFactory
from tests.races import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 5


def _race(calls) -> list:
    return at_once(calls, caught=(LineLinkError,))


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_users_racing_for_one_line_one_wins(round_):
    # given: one line, two logins that both know its bill
    line = MemberFactory(billing_detail_digest=billing_detail_digest("1234000"))
    ana, bo = UserFactory(), UserFactory()

    # when
    results = _race([
        lambda u=u: line_link_by_account(user=u, account_number=line.account_number, billing_detail="1234000")
        for u in (ana, bo)
    ])

    # then: exactly one link, the loser told the line is taken
    winners = [r for r in results if isinstance(r, Member)]
    losers = [r for r in results if isinstance(r, LineLinkError)]
    assert (len(winners), len(losers)) == (1, 1)
    assert losers[0].code == "line_taken"
    line.refresh_from_db()
    assert line.user_id in {ana.pk, bo.pk}
    assert Member.objects.filter(user__in=[ana, bo]).count() == 1


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_one_user_racing_for_two_lines_gets_one(round_):
    # given
    lines = [MemberFactory(billing_detail_digest=billing_detail_digest("99000")) for _ in range(2)]
    ana = UserFactory()

    # when
    results = _race([
        lambda m=m: line_link_by_account(user=ana, account_number=m.account_number, billing_detail="99000")
        for m in lines
    ])

    # then
    assert sum(isinstance(r, Member) for r in results) == 1
    assert [r.code for r in results if isinstance(r, LineLinkError)] == ["already_linked"]
    assert Member.objects.filter(user=ana).count() == 1
