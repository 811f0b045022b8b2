"""Linking a login to a line with a one-time code sent by SMS (the services)."""

import datetime as dt

import pytest
from django.utils import timezone

from club.members.models import LineLinkChallenge, Member
from club.members.services.line_link import (
    LineLinkAlreadyLinked,
    LineLinkCodeAttemptsExhausted,
    LineLinkCodeExpired,
    LineLinkCodeUsed,
    LineLinkCodeWrong,
    LineLinkInvalidInput,
    LineLinkLineTaken,
    LineLinkRateLimited,
    line_link_challenges_purge,
    line_link_code_verify,
)
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_request_sends_a_six_digit_code_to_the_line_and_stores_only_a_digest(
    user, line, request_code, sms_outbox, code_from_sms
):
    # when
    answer = request_code(user=user, msisdn="0912 345 678")

    # then
    code = code_from_sms("+84912345678")
    challenge = LineLinkChallenge.objects.get()
    assert (challenge.user, challenge.member, challenge.attempts, challenge.max_attempts) == (
        user, line, 0, 5,
    )
    assert code not in challenge.code_digest and len(challenge.code_digest) == 64
    assert challenge.expires_at - challenge.created_at == pytest.approx(
        dt.timedelta(minutes=10), abs=dt.timedelta(seconds=2)
    )
    assert (answer.msisdn_masked, answer.valid_minutes) == ("+84•••••5678", 10)
    assert len(sms_outbox) == 1


def test_the_right_code_links_the_line_and_sets_the_users_verified_phone(
    user, line, request_code, code_from_sms
):
    # given
    request_code(user=user, msisdn="+84912345678")

    # when
    member = line_link_code_verify(user=user, code=code_from_sms("+84912345678"))

    # then
    assert member == line
    line.refresh_from_db()
    user.refresh_from_db()
    assert line.user == user
    assert (user.phone, user.phone_verified) == ("+84912345678", True)
    challenge = LineLinkChallenge.objects.get()
    assert challenge.used_at is not None
    assert challenge.attempts == 1


def test_the_phone_is_left_alone_when_another_login_already_uses_it(
    user, line, request_code, code_from_sms
):
    other = UserFactory(phone="+84912345678", phone_verified=False)
    request_code(user=user, msisdn="+84912345678")

    line_link_code_verify(user=user, code=code_from_sms("+84912345678"))

    user.refresh_from_db()
    other.refresh_from_db()
    assert (user.phone, other.phone) == (None, "+84912345678")
    assert Member.objects.get(pk=line.pk).user == user


def test_a_wrong_code_changes_nothing_but_the_attempt_count(user, line, request_code, code_from_sms):
    request_code(user=user, msisdn="+84912345678")

    with pytest.raises(LineLinkCodeWrong, match="4 more tries"):
        line_link_code_verify(user=user, code=_wrong(code_from_sms("+84912345678")))

    line.refresh_from_db()
    assert line.user is None
    assert LineLinkChallenge.objects.values_list("attempts", "used_at").get() == (1, None)


def test_an_expired_code_is_refused(user, line, request_code, code_from_sms):
    request_code(user=user, msisdn="+84912345678")
    LineLinkChallenge.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    with pytest.raises(LineLinkCodeExpired, match="expired"):
        line_link_code_verify(user=user, code=code_from_sms("+84912345678"))

    line.refresh_from_db()
    assert line.user is None
    assert LineLinkChallenge.objects.values_list("attempts", "used_at").get() == (0, None)


def test_a_code_cannot_be_used_twice(user, line, request_code, code_from_sms):
    # given: the code has linked the line
    request_code(user=user, msisdn="+84912345678")
    code = code_from_sms("+84912345678")
    line_link_code_verify(user=user, code=code)
    used_at = LineLinkChallenge.objects.get().used_at

    # when / then
    with pytest.raises(LineLinkCodeUsed, match="already been used"):
        line_link_code_verify(user=user, code=code)
    assert LineLinkChallenge.objects.values_list("attempts", "used_at").get() == (1, used_at)


def test_the_sixth_attempt_is_refused_even_with_the_right_code(user, line, request_code, code_from_sms):
    # given: five wrong codes
    request_code(user=user, msisdn="+84912345678")
    code = code_from_sms("+84912345678")
    for _ in range(4):
        with pytest.raises(LineLinkCodeWrong):
            line_link_code_verify(user=user, code=_wrong(code))
    with pytest.raises(LineLinkCodeAttemptsExhausted):
        line_link_code_verify(user=user, code=_wrong(code))

    # when: the sixth, right this time
    with pytest.raises(LineLinkCodeAttemptsExhausted, match="Too many wrong codes"):
        line_link_code_verify(user=user, code=code)

    # then
    line.refresh_from_db()
    assert line.user is None
    assert LineLinkChallenge.objects.values_list("attempts", "used_at").get() == (5, None)


def test_only_the_latest_code_counts(user, line, request_code, code_from_sms):
    request_code(user=user, msisdn="+84912345678")
    first = code_from_sms("+84912345678")
    request_code(user=user, msisdn="+84912345678")
    second = code_from_sms("+84912345678")
    if first == second:
        pytest.skip("the two random codes happen to be equal")

    with pytest.raises(LineLinkCodeWrong):
        line_link_code_verify(user=user, code=first)
    assert line_link_code_verify(user=user, code=second) == line


def test_unknown_and_taken_lines_get_the_same_answer_and_no_sms(user, line, request_code, sms_outbox):
    # given: a line already linked to someone else
    MemberFactory(msisdn="+84987654321", user=UserFactory())

    # when
    unknown = request_code(user=user, msisdn="0900000001")
    taken = request_code(user=user, msisdn="0987654321")

    # then: the same shape of answer as for a real line, but nothing sent, nothing stored
    assert (unknown.msisdn_masked, unknown.valid_minutes) == ("+84•••••0001", 10)
    assert (taken.msisdn_masked, taken.valid_minutes) == ("+84•••••4321", 10)
    assert sms_outbox == []
    assert LineLinkChallenge.objects.count() == 0


def test_verifying_without_a_request_is_a_wrong_code(user):
    with pytest.raises(LineLinkCodeWrong):
        line_link_code_verify(user=user, code="123456")


def test_an_invalid_number_is_refused(user, request_code, sms_outbox):
    with pytest.raises(LineLinkInvalidInput):
        request_code(user=user, msisdn="not a number")
    assert sms_outbox == []


def test_a_linked_user_cannot_link_a_second_line(user, line, request_code, sms_outbox):
    MemberFactory(msisdn="+84911111111", user=user)

    with pytest.raises(LineLinkAlreadyLinked):
        request_code(user=user, msisdn="+84912345678")

    line.refresh_from_db()
    assert line.user is None
    assert sms_outbox == []


def test_a_line_claimed_between_request_and_verify_stays_with_its_first_holder(
    user, line, request_code, code_from_sms
):
    # given: a code was sent, then another login took the line
    request_code(user=user, msisdn="+84912345678")
    other = UserFactory()
    Member.objects.filter(pk=line.pk).update(user=other)

    # when / then
    with pytest.raises(LineLinkLineTaken, match="already linked to another login"):
        line_link_code_verify(user=user, code=code_from_sms("+84912345678"))
    line.refresh_from_db()
    assert line.user == other
    assert LineLinkChallenge.objects.get().used_at is None


def test_the_sixth_code_request_in_ten_minutes_is_refused(user, line, request_code, sms_outbox):
    for _ in range(5):
        request_code(user=user, msisdn="+84912345678")

    with pytest.raises(LineLinkRateLimited, match="Too many attempts"):
        request_code(user=user, msisdn="+84912345678")

    assert len(sms_outbox) == 5
    assert LineLinkChallenge.objects.count() == 5


def test_one_line_cannot_be_flooded_with_codes_by_many_users(line, request_code, sms_outbox):
    for _ in range(5):
        request_code(user=UserFactory(), msisdn="+84912345678")

    with pytest.raises(LineLinkRateLimited):
        request_code(user=UserFactory(), msisdn="+84912345678")

    assert len(sms_outbox) == 5


def test_purge_deletes_only_challenges_expired_longer_than_asked(user, line):
    now = timezone.now()
    for expired_hours_ago in (48, 25, 1):
        LineLinkChallenge.objects.create(
            user=user, member=line, code_digest="x" * 64,
            expires_at=now - dt.timedelta(hours=expired_hours_ago),
        )

    deleted = line_link_challenges_purge(older_than=dt.timedelta(hours=24))

    assert deleted == 2
    assert LineLinkChallenge.objects.count() == 1
