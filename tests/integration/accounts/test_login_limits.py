"""The failed-login limits that allauth alone would let slip (docs/accounts.md, "Brute force")."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, StaffUserFactory, UserFactory
from tests.partner_fixtures import totp_activate, totp_now

pytestmark = pytest.mark.django_db

TOO_MANY = "Too many failed login attempts"


def _login(client, login: str, password: str, **extra):
    return client.post(reverse("account_login"), {"login": login, "password": password}, **extra)


def test_a_successful_mfa_code_does_not_wipe_the_addresss_failed_logins():
    # given: four failures on other people's accounts from one address, then the attacker's own
    # account logged in with its password and TOTP code from that address (allauth clears the
    # "login_failed" counters, the address's included, when an MFA code succeeds)
    victims = [UserFactory() for _ in range(6)]
    own = StaffUserFactory()
    secret = totp_activate(own)
    attacker = Client()
    for victim in victims[:4]:
        _login(attacker, victim.email, "wrong-guess")
    assert _login(attacker, own.email, DEFAULT_PASSWORD)["Location"] == reverse("mfa_authenticate")
    assert attacker.post(reverse("mfa_authenticate"), {"code": totp_now(secret)}).status_code == 302
    attacker.post(reverse("account_logout"))

    # when: a fifth failure, then a sixth attempt with a right password
    fifth = _login(attacker, victims[4].email, "wrong-guess")
    sixth = _login(attacker, victims[5].email, DEFAULT_PASSWORD)

    # then: the fifth was still checked, the sixth refused
    assert TOO_MANY not in fifth.content.decode()
    assert TOO_MANY in sixth.content.decode()
    assert "_auth_user_id" not in attacker.session


def test_failed_logins_on_one_account_count_together_under_any_host_name(client):
    # given: five failures, each from another address, alternating two host names of the site
    user = UserFactory(email="ana@example.test")
    for n in range(5):
        host = "testserver" if n % 2 else "localhost"
        _login(client, "ana@example.test", "wrong-guess", HTTP_HOST=host, REMOTE_ADDR=f"10.0.0.{n}")

    # when: the right password, from yet another address
    response = _login(client, "ana@example.test", DEFAULT_PASSWORD, REMOTE_ADDR="10.0.1.1")

    # then
    assert TOO_MANY in response.content.decode()
    assert client.session.get("_auth_user_id") != str(user.pk)


def test_a_successful_login_gives_its_attempt_back_to_the_address(client):
    # given: four failures from one address, then five successful logins from it
    users = [UserFactory() for _ in range(5)]
    for user in users[:4]:
        _login(client, user.email, "wrong-guess")
    for _ in range(5):
        assert _login(Client(), users[4].email, DEFAULT_PASSWORD).status_code == 302

    # when: a fifth failure from that address
    fifth = _login(client, users[0].email.replace("@", "+x@"), "wrong-guess")

    # then: still checked (the successes did not count as failures)
    assert TOO_MANY not in fifth.content.decode()


def test_behind_a_proxy_failed_logins_count_per_forwarded_client_not_per_spoofed_hop(settings):
    # given: one proxy; an attacker fails five times, each time with another made-up hop in
    # front of the address the proxy saw
    settings.TRUSTED_PROXY_COUNT = 1
    victims = [UserFactory() for _ in range(7)]
    behind_proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for n, victim in enumerate(victims[:5]):
        _login(Client(), victim.email, "wrong-guess", HTTP_X_FORWARDED_FOR=f"6.6.6.{n}, 198.51.100.7",
               **behind_proxy)

    # when: the attacker tries a right password, and another client of the same proxy logs in
    attacker = _login(Client(), victims[5].email, DEFAULT_PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7",
                      **behind_proxy)
    neighbour = _login(Client(), victims[6].email, DEFAULT_PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.8",
                       **behind_proxy)

    # then: the attacker's address is spent; the neighbour's is not
    assert TOO_MANY in attacker.content.decode()
    assert neighbour.status_code == 302


def test_a_malformed_forwarded_header_counts_as_the_peer_and_answers(settings):
    # given: one proxy, and requests whose forwarded entry is garbage
    settings.TRUSTED_PROXY_COUNT = 1
    victims = [UserFactory() for _ in range(6)]
    for victim in victims[:5]:
        response = _login(Client(), victim.email, "wrong-guess", REMOTE_ADDR="10.0.0.2",
                          HTTP_X_FORWARDED_FOR="garbage, ]]")
        assert response.status_code == 200  # the form again, not a server error

    # when: a right password from the same peer, without a header
    response = _login(Client(), victims[5].email, DEFAULT_PASSWORD, REMOTE_ADDR="10.0.0.2")

    # then: the five failures were counted against the peer
    assert TOO_MANY in response.content.decode()
