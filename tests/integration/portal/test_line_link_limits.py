"""The limits on line linking that no single code or account shows: per user across codes, per
client IP across logins, and how the pages put them to the subscriber."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from club.members.models import LineLinkChallenge, Member
from club.members.services.line_link import (
    LineLinkCodeAttemptsExhausted,
    LineLinkCodeWrong,
    LineLinkProofRejected,
    LineLinkRateLimited,
    line_link_by_account,
    line_link_code_verify,
)
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

RATE_LIMITED = "Too many attempts. Please wait 10 minutes and try again."
SHARED_IP = "203.0.113.7"


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def _guess_wrong(*, user, code: str, times: int) -> None:
    for _ in range(times):
        with pytest.raises((LineLinkCodeWrong, LineLinkCodeAttemptsExhausted)):
            line_link_code_verify(user=user, code=_wrong(code))


def test_the_eleventh_guess_by_one_user_is_refused_even_on_a_fresh_code(
    user, line, request_code, code_from_sms
):
    # given: ten wrong guesses spread over three codes (each code allows five)
    for times in (4, 4, 2):
        request_code(user=user, msisdn="+84912345678")
        _guess_wrong(user=user, code=code_from_sms("+84912345678"), times=times)

    # when: the eleventh guess, the right code of the latest request
    with pytest.raises(LineLinkRateLimited, match=RATE_LIMITED):
        line_link_code_verify(user=user, code=code_from_sms("+84912345678"))

    # then: not linked, and the refused guess did not even count against the code
    line.refresh_from_db()
    assert line.user is None
    assert LineLinkChallenge.objects.order_by("-pk").values_list("attempts", flat=True)[0] == 2


def test_code_requests_from_one_address_stop_at_twenty_whoever_asks(request_code, sms_outbox):
    # given: twenty requests from one client address by twenty logins for twenty lines
    for n in range(20):
        MemberFactory(msisdn=f"+849120000{n:02d}")
        request_code(user=UserFactory(), msisdn=f"+849120000{n:02d}", client_ip=SHARED_IP)

    # when: a twenty-first login from that address asks for a fresh line
    MemberFactory(msisdn="+84912000099")
    with pytest.raises(LineLinkRateLimited):
        request_code(user=UserFactory(), msisdn="+84912000099", client_ip=SHARED_IP)

    # then: no SMS for it
    assert len(sms_outbox) == 20
    assert "+84912000099" not in [m.to for m in sms_outbox]


def test_account_checks_from_one_address_stop_at_twenty_whoever_asks(line):
    # given: twenty wrong account guesses from one address, by twenty logins on twenty accounts
    for n in range(20):
        with pytest.raises(LineLinkProofRejected):
            line_link_by_account(user=UserFactory(), account_number=f"ACC7{n:07d}", billing_detail="1",
                                 client_ip=SHARED_IP)

    # when: the right proof for a real account, from that address
    with pytest.raises(LineLinkRateLimited, match=RATE_LIMITED):
        line_link_by_account(user=UserFactory(), account_number="ACC00012345", billing_detail="1234000",
                             client_ip=SHARED_IP)

    # then
    line.refresh_from_db()
    assert line.user is None


@pytest.fixture
def ana(client, user):
    client.force_login(user)
    return client


def test_the_code_page_says_when_too_many_codes_were_asked_for(
    ana, line, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            assert ana.post(reverse("portal:link_code"), {"msisdn": "0912345678"}).status_code == 302

        response = ana.post(reverse("portal:link_code"), {"msisdn": "0912345678"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [RATE_LIMITED]
    assert len(sms_outbox) == 5


def test_after_five_wrong_codes_the_page_takes_no_more_tries(
    ana, user, line, code_from_sms, django_capture_on_commit_callbacks
):
    # given: a code, then four wrong guesses on the page
    with django_capture_on_commit_callbacks(execute=True):
        ana.post(reverse("portal:link_code"), {"msisdn": "0912345678"})
    code = code_from_sms("+84912345678")
    errors = [
        ana.post(reverse("portal:link_code_verify"), {"code": _wrong(code)}).context["form"].errors["code"]
        for _ in range(4)
    ]

    # when: the fifth wrong guess
    fifth = ana.post(reverse("portal:link_code_verify"), {"code": _wrong(code)})

    # then: each wrong try said how many were left; the fifth ends the code: the page says so and
    # offers a new code instead of the field
    assert errors == [
        ["This code is not right. You have 4 more tries."],
        ["This code is not right. You have 3 more tries."],
        ["This code is not right. You have 2 more tries."],
        ["This code is not right. You have 1 more try."],
    ]
    page = fifth.content.decode()
    assert fifth.status_code == 200
    assert "Too many wrong codes. Ask for a new code." in page
    assert 'name="code"' not in page
    assert f'class="button" href="{reverse("portal:link_code")}"' in page

    # when: the right code is posted anyway
    response = ana.post(reverse("portal:link_code_verify"), {"code": code})

    # then: sent to ask for a new code; nothing linked, the code not even counted
    assert response["Location"] == reverse("portal:link_code")
    assert not Member.objects.filter(user=user).exists()
    assert LineLinkChallenge.objects.values_list("attempts", "used_at").get() == (5, None)


def test_an_expired_code_on_the_page_offers_a_new_one(
    ana, user, line, code_from_sms, django_capture_on_commit_callbacks
):
    # given: a code that expired before it was typed
    with django_capture_on_commit_callbacks(execute=True):
        ana.post(reverse("portal:link_code"), {"msisdn": "0912345678"})
    LineLinkChallenge.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    # when
    response = ana.post(reverse("portal:link_code_verify"), {"code": code_from_sms("+84912345678")})

    # then
    page = response.content.decode()
    assert "This code has expired. Ask for a new code." in page
    assert 'name="code"' not in page
    assert not Member.objects.filter(user=user).exists()
    assert ana.get(reverse("portal:link_code_verify"))["Location"] == reverse("portal:link_code")


def test_the_account_page_says_when_too_many_checks_were_made(ana, user, line):
    for _ in range(5):
        ana.post(reverse("portal:link_account"), {"account_number": "ACC00012345", "billing_detail": "1"})

    response = ana.post(
        reverse("portal:link_account"), {"account_number": "ACC00012345", "billing_detail": "1234000"}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [RATE_LIMITED]
    assert not Member.objects.filter(user=user).exists()
