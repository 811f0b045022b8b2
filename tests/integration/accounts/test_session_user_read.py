"""cms.auth_backends: the logged-in user is read by a prepared statement and is the ORM's own
user; an inactive, deleted or malformed user id gives no user, as with Django's backend."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.auth_backends import SiteAuthenticationBackend, SiteModelBackend, user_by_pk
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _fields(user) -> dict:
    return {field.attname: getattr(user, field.attname) for field in get_user_model()._meta.concrete_fields}


@pytest.mark.parametrize("backend", [SiteModelBackend(), SiteAuthenticationBackend()])
def test_the_user_read_is_the_orms_user(backend):
    UserFactory()
    user = UserFactory(first_name="Lan", phone="+84912345678", phone_verified=True)
    found = backend.get_user(str(user.pk))  # a session keeps the id as text
    assert type(found) is get_user_model()
    assert _fields(found) == _fields(ModelBackend().get_user(user.pk))
    assert found.pk == user.pk and found.first_name == "Lan"
    assert not found._state.adding and found._state.db == "default"
    assert found.check_password(DEFAULT_PASSWORD)


@pytest.mark.parametrize("user_id", ["999999", "not-a-number", "", None])
def test_no_user_for_an_unknown_or_malformed_id(user_id):
    UserFactory()
    assert SiteAuthenticationBackend().get_user(user_id) is None


def test_an_inactive_user_is_refused():
    user = UserFactory(is_active=False)
    assert user_by_pk(str(user.pk)) is not None
    assert SiteModelBackend().get_user(str(user.pk)) is None


def test_a_logged_in_page_reads_the_user_once_with_the_sites_backend(client):
    user = UserFactory()
    client.force_login(user)
    assert client.session["_auth_user_backend"] == settings.AUTHENTICATION_BACKENDS[0]
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/accounts/email/")
    assert response.status_code == 200
    user_reads = [q["sql"] for q in queries.captured_queries if 'FROM "accounts_user"' in q["sql"]
                  and '"accounts_user"."id" =' in q["sql"]]
    assert len(user_reads) == 1, user_reads


def test_a_login_by_password_stores_a_backend_of_the_site(client):
    user = UserFactory()
    response = client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_backend"] in settings.AUTHENTICATION_BACKENDS
    assert client.session["_auth_user_backend"].startswith("cms.auth_backends.")
    assert client.get("/portal/").status_code == 200
