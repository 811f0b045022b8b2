"""Linking a login to a line with the account number and a detail of the latest bill."""

import pytest

from club.members.models import Member
from club.members.services.line_link import (
    LineLinkAlreadyLinked,
    LineLinkInvalidInput,
    LineLinkLineTaken,
    LineLinkProofRejected,
    LineLinkRateLimited,
    line_link_by_account,
)
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("account_number", "billing_detail"),
    [("ACC00012345", "1234000"), (" acc00012345 ", " 1234 000 ")],
    ids=["as-printed", "lower-case-and-spaces"],
)
def test_the_right_account_and_billing_detail_link_the_line(user, line, account_number, billing_detail):
    member = line_link_by_account(user=user, account_number=account_number, billing_detail=billing_detail)

    assert member == line
    line.refresh_from_db()
    assert line.user == user


@pytest.mark.parametrize(
    ("account_number", "billing_detail"),
    [("ACC00012345", "1234001"), ("ACC99999999", "1234000")],
    ids=["wrong-detail", "unknown-account"],
)
def test_a_wrong_detail_or_unknown_account_is_refused_with_one_message(
    user, line, account_number, billing_detail
):
    with pytest.raises(LineLinkProofRejected, match="do not match our records"):
        line_link_by_account(user=user, account_number=account_number, billing_detail=billing_detail)

    line.refresh_from_db()
    assert line.user is None


def test_an_account_without_a_billing_detail_on_file_cannot_be_linked_this_way(user):
    member = MemberFactory(account_number="ACC00054321", billing_detail_digest="")

    with pytest.raises(LineLinkProofRejected):
        line_link_by_account(user=user, account_number="ACC00054321", billing_detail="0")
    member.refresh_from_db()
    assert member.user is None


def test_empty_input_is_refused(user, line):
    with pytest.raises(LineLinkInvalidInput):
        line_link_by_account(user=user, account_number="  ", billing_detail="1234000")
    line.refresh_from_db()
    assert line.user is None


def test_a_line_linked_to_another_login_stays_with_it(user, line):
    holder = UserFactory()
    Member.objects.filter(pk=line.pk).update(user=holder)

    with pytest.raises(LineLinkLineTaken):
        line_link_by_account(user=user, account_number="ACC00012345", billing_detail="1234000")

    line.refresh_from_db()
    assert line.user == holder


def test_a_linked_user_cannot_link_a_second_line(user, line):
    first = MemberFactory(msisdn="+84911111111", user=user)

    with pytest.raises(LineLinkAlreadyLinked):
        line_link_by_account(user=user, account_number="ACC00012345", billing_detail="1234000")

    line.refresh_from_db()
    assert line.user is None
    assert Member.objects.get(user=user) == first


def test_the_sixth_guess_on_one_account_is_refused_whoever_makes_it(line):
    # given: five wrong guesses by five different logins
    for _ in range(5):
        with pytest.raises(LineLinkProofRejected):
            line_link_by_account(user=UserFactory(), account_number="ACC00012345", billing_detail="1")

    # when: a sixth login, even with the right detail
    with pytest.raises(LineLinkRateLimited):
        line_link_by_account(user=UserFactory(), account_number="ACC00012345", billing_detail="1234000")

    # then
    line.refresh_from_db()
    assert line.user is None


def test_the_sixth_guess_by_one_user_is_refused_whatever_the_account(user, line):
    for n in range(5):
        with pytest.raises(LineLinkProofRejected):
            line_link_by_account(user=user, account_number=f"ACC9000000{n}", billing_detail="1")

    with pytest.raises(LineLinkRateLimited):
        line_link_by_account(user=user, account_number="ACC00012345", billing_detail="1234000")

    line.refresh_from_db()
    assert line.user is None
