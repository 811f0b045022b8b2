"""API keys: only a keyed hash is stored, the secret is shown once, revoked and expired keys and
inactive partners are refused, rotation keeps the old key for its grace period."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from partners.api.models import ApiKey, ApiKeyState, Scope
from partners.api.services.keys import (
    ROTATION_GRACE,
    ApiKeyError,
    api_key_cache_clear,
    api_key_create,
    api_key_revoke,
    api_key_rotate,
    key_digest,
)
from partners.organisations.models import Partner, PartnerRole
from tests.integration.partners.copromotion_factories import partner_with_user
from tests.integration.partners.partner_api_helpers import (  # noqa: F401
    BASE,
    Caller,
    _fresh_api_state,
    error_of,
    key_for,
)
from tests.partner_fixtures import partner_login

pytestmark = pytest.mark.django_db

PROMOTIONS = "/promotions"


def _all_text_in_table(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
        return repr(cursor.fetchall())


def test_only_a_keyed_hash_is_stored_and_the_secret_works(client):
    partner_user = partner_with_user()

    created = key_for(partner_user, [Scope.PROMOTIONS_READ])

    row = ApiKey.objects.get(pk=created.api_key.pk)
    secret_part = created.secret.split("_", 2)[2]
    assert created.secret.startswith(f"tpk_{row.prefix}_")
    assert row.digest == key_digest(created.secret) and len(row.digest) == 64
    assert secret_part not in _all_text_in_table(ApiKey._meta.db_table)
    assert Caller(client, created.secret).get(PROMOTIONS).status_code == 200


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer nonsense", "Basic abc", "Bearer tpk_000000000000_wrong"],
    ids=["missing", "empty", "malformed", "basic", "unknown"],
)
def test_a_request_without_a_valid_key_is_401(client, header):
    partner_user = partner_with_user()
    created = key_for(partner_user)
    headers = {} if header is None else {"Authorization": header}

    response = client.get(BASE + PROMOTIONS, headers=headers)

    assert error_of(response) == (401, "unauthenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")
    # the right prefix with a wrong secret is refused too
    forged = created.secret[:-4] + ("AAAA" if not created.secret.endswith("AAAA") else "BBBB")
    assert error_of(Caller(client, forged).get(PROMOTIONS)) == (401, "unauthenticated")


def test_a_revoked_key_is_refused_at_once(client):
    partner_user = partner_with_user()
    created = key_for(partner_user)
    caller = Caller(client, created.secret)
    assert caller.get(PROMOTIONS).status_code == 200

    api_key_revoke(partner_id=partner_user.partner_id, key_id=created.api_key.pk)

    assert error_of(caller.get(PROMOTIONS)) == (401, "unauthenticated")
    assert ApiKey.objects.get(pk=created.api_key.pk).state() == ApiKeyState.REVOKED


def test_an_inactive_partners_keys_are_refused(client):
    partner_user = partner_with_user()
    caller = Caller(client, key_for(partner_user).secret)
    assert caller.get(PROMOTIONS).status_code == 200

    Partner.objects.filter(pk=partner_user.partner_id).update(is_active=False)
    api_key_cache_clear()  # another process's cache holds a row at most CACHE_SECONDS

    assert error_of(caller.get(PROMOTIONS)) == (401, "unauthenticated")


def test_rotation_gives_a_new_key_and_the_old_one_works_until_its_grace_ends(client):
    partner_user = partner_with_user()
    old = key_for(partner_user, [Scope.PROMOTIONS_READ, Scope.CODES_VALIDATE], rate=42)

    new = api_key_rotate(
        partner_id=partner_user.partner_id, key_id=old.api_key.pk, created_by=partner_user.user
    )

    old_row = ApiKey.objects.get(pk=old.api_key.pk)
    assert new.api_key.rotated_from_id == old_row.pk
    assert new.api_key.scopes == old_row.scopes and new.api_key.rate_limit_per_minute == 42
    assert new.secret != old.secret
    assert old_row.state() == ApiKeyState.ROTATING
    assert abs(old_row.expires_at - (timezone.now() + ROTATION_GRACE)) < dt.timedelta(seconds=5)
    assert Caller(client, old.secret).get(PROMOTIONS).status_code == 200
    assert Caller(client, new.secret).get(PROMOTIONS).status_code == 200

    ApiKey.objects.filter(pk=old_row.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    api_key_cache_clear()

    assert error_of(Caller(client, old.secret).get(PROMOTIONS)) == (401, "unauthenticated")
    assert Caller(client, new.secret).get(PROMOTIONS).status_code == 200
    assert ApiKey.objects.get(pk=old_row.pk).state() == ApiKeyState.EXPIRED


def test_a_rotated_or_revoked_key_cannot_be_rotated_again():
    partner_user = partner_with_user()
    old = key_for(partner_user)
    api_key_rotate(partner_id=partner_user.partner_id, key_id=old.api_key.pk)
    revoked = key_for(partner_user)
    api_key_revoke(partner_id=partner_user.partner_id, key_id=revoked.api_key.pk)

    with pytest.raises(ApiKeyError, match="already been rotated"):
        api_key_rotate(partner_id=partner_user.partner_id, key_id=old.api_key.pk)
    with pytest.raises(ApiKeyError, match="revoked"):
        api_key_rotate(partner_id=partner_user.partner_id, key_id=revoked.api_key.pk)
    assert ApiKey.objects.count() == 3


def test_another_partners_key_cannot_be_revoked_or_rotated():
    mine, theirs = partner_with_user("Streamly"), partner_with_user("Gadgets")
    their_key = key_for(theirs)

    with pytest.raises(ApiKeyError, match="No such key"):
        api_key_revoke(partner_id=mine.partner_id, key_id=their_key.api_key.pk)
    with pytest.raises(ApiKeyError, match="No such key"):
        api_key_rotate(partner_id=mine.partner_id, key_id=their_key.api_key.pk)
    row = ApiKey.objects.get(pk=their_key.api_key.pk)
    assert row.revoked_at is None and row.expires_at is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": " "}, "Give the key a name"),
        ({"scopes": []}, "at least one scope"),
        ({"scopes": ["codes:everything"]}, "Unknown scope"),
        ({"rate_limit_per_minute": 0}, "whole number of requests"),
    ],
    ids=["no-name", "no-scope", "unknown-scope", "zero-rate"],
)
def test_bad_key_input_is_refused_and_nothing_is_written(changes, message):
    partner_user = partner_with_user()
    arguments = {"partner_id": partner_user.partner_id, "name": "till", "scopes": [Scope.CODES_VALIDATE]}

    with pytest.raises(ApiKeyError, match=message):
        api_key_create(**{**arguments, **changes})
    assert ApiKey.objects.count() == 0


def test_last_used_is_recorded_once_a_minute_not_on_every_request(client, django_assert_num_queries):
    partner_user = partner_with_user()
    created = key_for(partner_user, [Scope.PROMOTIONS_READ])
    caller = Caller(client, created.secret)

    caller.get(PROMOTIONS)
    first = ApiKey.objects.get(pk=created.api_key.pk).last_used_at
    caller.get(PROMOTIONS)

    assert first is not None
    assert ApiKey.objects.get(pk=created.api_key.pk).last_used_at == first


# --- the portal page ---------------------------------------------------------------------------

PAGE = "/partners/api-keys/"


def test_the_portal_shows_a_new_key_once_and_lists_keys_by_prefix(client):
    admin = partner_with_user()
    partner_login(client, admin.user)

    created_page = client.post(
        PAGE, {"name": "Stores till", "scopes": [Scope.CODES_VALIDATE, Scope.CODES_REDEEM],
               "rate_limit_per_minute": 120},
    )

    row = ApiKey.objects.get(partner_id=admin.partner_id)
    body = created_page.content.decode()
    secret = body.split('id="new-key-secret" class="secret">', 1)[1].split("<", 1)[0]
    assert created_page.status_code == 200
    assert row.digest == key_digest(secret) and row.created_by_id == admin.user_id
    assert row.scopes == [Scope.CODES_REDEEM, Scope.CODES_VALIDATE] and row.rate_limit_per_minute == 120
    listing = client.get(PAGE).content.decode()
    assert f"tpk_{row.prefix}" in listing and "Stores till" in listing
    assert secret not in listing and secret.split("_", 2)[2] not in listing


def test_the_portal_rotates_and_revokes_only_its_own_partners_keys(client):
    admin, other = partner_with_user("Streamly"), partner_with_user("Gadgets")
    mine, theirs = key_for(admin), key_for(other)
    partner_login(client, admin.user)

    rotated = client.post(f"{PAGE}{mine.api_key.pk}/rotate/")
    refused_rotate = client.post(f"{PAGE}{theirs.api_key.pk}/rotate/")
    refused_revoke = client.post(f"{PAGE}{theirs.api_key.pk}/revoke/")
    revoked = client.post(f"{PAGE}{mine.api_key.pk}/revoke/")

    assert rotated.status_code == 200 and "new-key-secret" in rotated.content.decode()
    assert refused_rotate.status_code == 404 and refused_revoke.status_code == 404
    assert revoked.status_code == 302
    their_row = ApiKey.objects.get(pk=theirs.api_key.pk)
    assert their_row.revoked_at is None and their_row.expires_at is None
    assert ApiKey.objects.filter(partner_id=other.partner_id).count() == 1
    assert ApiKey.objects.get(pk=mine.api_key.pk).state() == ApiKeyState.REVOKED
    assert ApiKey.objects.filter(partner_id=admin.partner_id).count() == 2
    assert Caller(Client(), theirs.secret).get(PROMOTIONS).status_code == 200


@pytest.mark.parametrize("action", ["rotate", "revoke"])
@pytest.mark.parametrize("key_id", ["999999", "abc"], ids=["unknown", "not-a-number"])
def test_the_portal_answers_404_for_a_key_id_that_is_not_its_own(client, action, key_id):
    admin = partner_with_user()
    partner_login(client, admin.user)

    response = client.post(f"{PAGE}{key_id}/{action}/")

    assert response.status_code == 404
    assert not ApiKey.objects.exists()


def test_an_analyst_cannot_open_the_keys_page_or_act(client):
    analyst = partner_with_user(role=PartnerRole.ANALYST)
    key = key_for(analyst)
    partner_login(client, analyst.user)

    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"name": "x", "scopes": [Scope.CODES_VALIDATE],
                              "rate_limit_per_minute": 5}).status_code == 403
    assert client.post(f"{PAGE}{key.api_key.pk}/revoke/").status_code == 403
    assert ApiKey.objects.count() == 1 and ApiKey.objects.get().revoked_at is None


def test_the_portal_refuses_a_form_without_scopes_with_a_message(client):
    admin = partner_with_user()
    partner_login(client, admin.user)

    response = client.post(PAGE, {"name": "till", "rate_limit_per_minute": 10})

    assert response.status_code == 400
    assert "Choose at least one scope." in response.content.decode()
    assert ApiKey.objects.count() == 0
