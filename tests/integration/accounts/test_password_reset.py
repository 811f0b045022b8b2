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
