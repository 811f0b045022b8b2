"""Password reset through allauth (Wagtail's own reset pages are switched off)."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-Passphrase-42"


def test_password_reset_sends_a_link_that_sets_a_new_password(client):
    # given
    user = UserFactory(email="ana@example.test")

    # when: asking for a reset
    response = client.post(reverse("account_reset_password"), {"email": "ana@example.test"})

    # then: one email with a reset link
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ana@example.test"]
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/[^\s]+/)", mail.outbox[0].body).group(1)

    # when: following it and choosing a new password
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    # then
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not user.check_password(DEFAULT_PASSWORD)


def test_wagtail_password_reset_pages_are_not_served(client):
    UserFactory(email="ana@example.test")

    get = client.get("/admin/password_reset/")
    post = client.post("/admin/password_reset/", {"email": "ana@example.test"})

    assert get.status_code == 404
    assert post.status_code == 404
    assert mail.outbox == []


def _reset_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/password/reset/key/[^\s]+/)", message.body).group(1)


def test_a_reset_for_an_unknown_address_answers_alike_and_sends_no_link(client):
    # given
    UserFactory(email="ana@example.test")

    # when
    known = client.post(reverse("account_reset_password"), {"email": "ana@example.test"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.test"})

    # then: the same answer; the unknown address only hears that it has no account
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert [m.to for m in mail.outbox] == [["ana@example.test"], ["nobody@example.test"]]
    assert "/accounts/password/reset/key/" not in mail.outbox[1].body


def test_a_used_reset_link_says_it_is_invalid_and_changes_nothing(client):
    # given: a reset link already used to set a new password
    user = UserFactory(email="ana@example.test")
    client.post(reverse("account_reset_password"), {"email": "ana@example.test"})
    link = _reset_link(mail.outbox[0])
    form_url = client.get(link)["Location"]
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    # when: opening it again, in another browser
    client.logout()
    page = client.get(link)

    # then
    assert page.status_code == 200
    assert "The password reset link was invalid" in page.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_made_up_reset_link_says_it_is_invalid(client):
    user = UserFactory(email="ana@example.test")

    page = client.get(reverse("account_reset_password_from_key", args=["1", "made-up-key"]))

    assert "The password reset link was invalid" in page.content.decode()
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


def test_a_mismatched_new_password_is_refused_with_a_clear_error(client):
    user = UserFactory(email="ana@example.test")
    client.post(reverse("account_reset_password"), {"email": "ana@example.test"})
    form_url = client.get(_reset_link(mail.outbox[0]))["Location"]

    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})

    assert response.status_code == 200
    assert response.context["form"].errors["password2"] == ["You must type the same password each time."]
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


def test_the_sixth_reset_request_for_one_address_in_a_minute_gets_a_clear_429_page(client):
    # given: five requests for one address
    UserFactory(email="ana@example.test")
    asked = [client.post(reverse("account_reset_password"), {"email": "ana@example.test"}) for _ in range(5)]
    assert [r.status_code for r in asked] == [302] * 5

    # when
    response = client.post(reverse("account_reset_password"), {"email": "ANA@example.test"})

    # then: refused with the site's own page, and no sixth email
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert [t.name for t in response.templates][0] == "429.html"
    assert len(mail.outbox) == 5
