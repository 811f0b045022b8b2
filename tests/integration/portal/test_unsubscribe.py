"""The unsubscribe pages an email links to: no login; a GET changes nothing (mail scanners
open links), the confirmation POST and the RFC 8058 one-click POST withdraw the email consent
with its history, idempotently; a bad token is a 400 that changes nothing."""

import threading

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.urls import reverse

from club.members.models import ConsentRecord, Member
from club.members.services.consent import member_unsubscribe
from club.members.unsubscribe import SALT, unsubscribe_token_make
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscribed(db):
    return MemberFactory(consent_marketing=True, consent_email=True, consent_sms=True)


@pytest.fixture
def token(subscribed):
    return unsubscribe_token_make(member_id=subscribed.pk, channel="email")


def page_url(token: str) -> str:
    return reverse("portal:unsubscribe", kwargs={"token": token})


def one_click_url(token: str) -> str:
    return reverse("portal:unsubscribe_one_click", kwargs={"token": token})


def one_click(client: Client, token: str):
    """What a mailbox provider sends (RFC 8058): a POST with this body, no cookie, no CSRF token."""
    return client.post(one_click_url(token), data="List-Unsubscribe=One-Click",
                       content_type="application/x-www-form-urlencoded")


def consents(member) -> tuple[bool, bool, bool]:
    row = Member.objects.get(pk=member.pk)
    return row.consent_email, row.consent_marketing, row.consent_sms


def history(member) -> list[tuple[str, bool, str, int | None]]:
    return list(ConsentRecord.objects.filter(member=member)
                .values_list("purpose", "granted", "source", "recorded_by"))


UNSUBSCRIBED = [("channel_email", False, "email_unsubscribe", None)]


def test_get_shows_a_confirmation_button_and_changes_nothing(client, subscribed, token):
    response = client.get(page_url(token))

    assert response.status_code == 200
    page = response.content.decode()
    assert '<form method="post"' in page
    assert 'data-testid="unsubscribe-confirm"' in page
    assert consents(subscribed) == (True, True, True)
    assert history(subscribed) == []


def test_the_confirmation_post_unsubscribes_with_history(client, subscribed, token):
    response = client.post(page_url(token))

    assert response.status_code == 200
    assert 'data-testid="unsubscribed"' in response.content.decode()
    assert consents(subscribed) == (False, True, True)  # only the email consent
    assert history(subscribed) == UNSUBSCRIBED


def test_the_confirmation_form_needs_its_csrf_token(subscribed, token):
    browser = Client(enforce_csrf_checks=True)

    refused = browser.post(page_url(token))
    page = browser.get(page_url(token))
    accepted = browser.post(page_url(token),
                            {"csrfmiddlewaretoken": page.context["csrf_token"]})

    assert refused.status_code == 403
    assert accepted.status_code == 200
    assert history(subscribed) == UNSUBSCRIBED


def test_one_click_post_without_csrf_unsubscribes(subscribed, token):
    response = one_click(Client(enforce_csrf_checks=True), token)

    assert response.status_code == 200
    assert consents(subscribed) == (False, True, True)
    assert history(subscribed) == UNSUBSCRIBED


def test_one_click_get_leads_to_the_confirmation_page_and_changes_nothing(client, subscribed, token):
    response = client.get(one_click_url(token))

    assert response.status_code == 302
    assert response["Location"] == page_url(token)
    assert consents(subscribed) == (True, True, True)
    assert history(subscribed) == []


def test_unsubscribing_twice_changes_once(client, subscribed, token):
    first = one_click(Client(enforce_csrf_checks=True), token)
    again = client.post(page_url(token))
    once_more = one_click(Client(enforce_csrf_checks=True), token)

    assert [r.status_code for r in (first, again, once_more)] == [200, 200, 200]
    assert consents(subscribed) == (False, True, True)
    assert history(subscribed) == UNSUBSCRIBED


def test_after_unsubscribing_the_link_says_so_without_a_button(client, subscribed, token):
    client.post(page_url(token))

    page = client.get(page_url(token)).content.decode()

    assert 'data-testid="unsubscribed"' in page
    assert 'data-testid="unsubscribe-confirm"' not in page
    assert history(subscribed) == UNSUBSCRIBED


def test_the_token_names_no_member_in_clear(subscribed, token):
    assert token != str(subscribed.pk)
    assert f"/{subscribed.pk}/" not in page_url(token)
    assert signing.Signer(salt=SALT).unsign_object(token) == {"m": subscribed.pk, "c": "email"}


def _tampered(kind: str, member, other) -> str:
    token = unsubscribe_token_make(member_id=member.pk)
    payload, signature = token.rsplit(":", 1)
    other_payload = unsubscribe_token_make(member_id=other.pk).rsplit(":", 1)[0]
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    return {
        "signature-changed": f"{payload}:{flipped}",
        "another-member-same-signature": f"{other_payload}:{signature}",
        "no-signature": payload,
        "member-id-in-clear": str(other.pk),
        "other-salt": signing.Signer(salt="another.salt").sign_object({"m": other.pk, "c": "email"}),
        "other-key": signing.Signer(key="not-our-key", salt=SALT).sign_object({"m": other.pk, "c": "email"}),
        "sms-channel": signing.Signer(salt=SALT).sign_object({"m": other.pk, "c": "sms"}),
        "member-id-not-a-number": signing.Signer(salt=SALT).sign_object({"m": str(other.pk), "c": "email"}),
    }[kind]


@pytest.mark.parametrize("kind", ["signature-changed", "another-member-same-signature", "no-signature",
                                  "member-id-in-clear", "other-salt", "other-key", "sms-channel",
                                  "member-id-not-a-number"])
@pytest.mark.parametrize("request_kind", ["get", "post", "one-click"])
def test_a_bad_token_is_a_clear_400_and_changes_nothing(client, subscribed, kind, request_kind):
    other = MemberFactory(consent_marketing=True, consent_email=True, consent_sms=True)
    bad = _tampered(kind, subscribed, other)

    if request_kind == "get":
        response = client.get(page_url(bad))
    elif request_kind == "post":
        response = client.post(page_url(bad))
    else:
        response = one_click(Client(enforce_csrf_checks=True), bad)

    assert response.status_code == 400
    assert "This unsubscribe link is not valid" in response.content.decode()
    assert consents(subscribed) == consents(other) == (True, True, True)
    assert ConsentRecord.objects.count() == 0


def test_a_member_without_email_consent_gets_no_history_row(client):
    quiet = MemberFactory(consent_email=False)

    response = client.post(page_url(unsubscribe_token_make(member_id=quiet.pk)))

    assert response.status_code == 200
    assert history(quiet) == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_posts_racing_for_one_member_record_one_change(round_):
    # given: the mailbox provider's one-click POST and the member's own clicks at one moment
    target = MemberFactory(consent_marketing=True, consent_email=True)
    barrier = threading.Barrier(4)
    changes = []

    def post():
        try:
            barrier.wait()
            changes.append(member_unsubscribe(member_id=target.pk, channel="email").is_changed)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then: one of them changed the consent and wrote its history, the others nothing
    assert sorted(changes) == [False, False, False, True]
    assert history(target) == UNSUBSCRIBED
