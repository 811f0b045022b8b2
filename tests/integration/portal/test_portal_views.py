"""The portal pages: dashboard, and linking a line by SMS code or by bill."""

import pytest
from django.test import Client
from django.urls import reverse

from club.members.models import LineLinkChallenge, Member
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

PORTAL_PAGES = ["portal:dashboard", "portal:link", "portal:link_code", "portal:link_code_verify",
                "portal:link_account"]


@pytest.fixture
def ana(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", PORTAL_PAGES)
def test_portal_pages_need_a_login(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={reverse(name)}"


def test_dashboard_of_a_linked_member_shows_the_line(ana, user, line):
    Member.objects.filter(pk=line.pk).update(user=user)

    page = ana.get(reverse("portal:dashboard")).content.decode()

    for shown in ["+84912345678", "ACC00012345", "Individual", "Sao Max 200", "Postpaid",
                  "With us since"]:
        assert shown in page
    assert reverse("portal:link") not in page


def test_dashboard_of_an_unlinked_login_prompts_to_link(ana):
    page = ana.get(reverse("portal:dashboard")).content.decode()

    assert "not linked to a subscriber line yet" in page
    assert f'href="{reverse("portal:link")}"' in page


def test_a_user_never_sees_another_users_member(client, user, line):
    # given: the line belongs to Ana; Bo is logged in and unlinked
    Member.objects.filter(pk=line.pk).update(user=user)
    client.force_login(UserFactory(email="bo@example.test"))

    # when
    pages = [client.get(reverse(name), follow=True).content.decode() for name in PORTAL_PAGES]

    # then
    for page in pages:
        assert "+84912345678" not in page
        assert "ACC00012345" not in page
    assert Member.objects.get(pk=line.pk).user == user


def test_link_by_code_through_the_pages(ana, user, line, code_from_sms, django_capture_on_commit_callbacks):
    # when: asking for a code
    with django_capture_on_commit_callbacks(execute=True):
        response = ana.post(reverse("portal:link_code"), {"msisdn": "0912 345 678"})

    # then: on to the code page, which names the number masked
    assert response["Location"] == reverse("portal:link_code_verify")
    page = ana.get(reverse("portal:link_code_verify")).content.decode()
    assert "+84•••••5678" in page
    assert 'autocomplete="one-time-code"' in page

    # when: entering the code
    response = ana.post(reverse("portal:link_code_verify"), {"code": code_from_sms("+84912345678")})

    # then
    assert response["Location"] == reverse("portal:dashboard")
    assert Member.objects.get(user=user) == line
    assert "is now linked" in ana.get(reverse("portal:dashboard")).content.decode()


def test_a_wrong_code_on_the_page_shows_an_error_and_links_nothing(
    ana, line, code_from_sms, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ana.post(reverse("portal:link_code"), {"msisdn": "+84912345678"})
    wrong = f"{(int(code_from_sms('+84912345678')) + 1) % 10**6:06d}"

    response = ana.post(reverse("portal:link_code_verify"), {"code": wrong})

    assert response.status_code == 200
    assert "This code is not right. You have 4 more tries." in response.content.decode()
    line.refresh_from_db()
    assert line.user is None


def test_a_malformed_code_is_refused_before_counting_an_attempt(
    ana, line, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ana.post(reverse("portal:link_code"), {"msisdn": "+84912345678"})

    response = ana.post(reverse("portal:link_code_verify"), {"code": "12ab"})

    assert response.status_code == 200
    assert "The code has six digits." in response.content.decode()
    assert LineLinkChallenge.objects.get().attempts == 0


def test_an_invalid_number_on_the_page_shows_an_error(ana, sms_outbox):
    response = ana.post(reverse("portal:link_code"), {"msisdn": "12"})

    assert response.status_code == 200
    assert "Enter a valid mobile number." in response.content.decode()
    assert sms_outbox == []
    assert LineLinkChallenge.objects.count() == 0


def test_link_by_account_through_the_page(ana, user, line):
    page = ana.get(reverse("portal:link_account")).content.decode()
    assert "The total charges on your latest bill." in page
    assert '<label for="id_billing_detail"' in page

    response = ana.post(
        reverse("portal:link_account"), {"account_number": "ACC00012345", "billing_detail": "1234000"}
    )

    assert response["Location"] == reverse("portal:dashboard")
    assert Member.objects.get(user=user) == line


def test_link_by_account_with_a_wrong_detail_shows_an_error(ana, line):
    response = ana.post(
        reverse("portal:link_account"), {"account_number": "ACC00012345", "billing_detail": "999"}
    )

    assert response.status_code == 200
    assert "do not match our records" in response.content.decode()
    line.refresh_from_db()
    assert line.user is None


def test_a_linked_user_is_sent_back_from_the_link_pages(ana, user):
    MemberFactory(user=user)

    for name in ["portal:link", "portal:link_code", "portal:link_account"]:
        response = ana.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"] == reverse("portal:dashboard")


def test_link_posts_need_the_csrf_token(user, line):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(
        reverse("portal:link_account"), {"account_number": "ACC00012345", "billing_detail": "1234000"}
    )

    assert response.status_code == 403
    line.refresh_from_db()
    assert line.user is None
