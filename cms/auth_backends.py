"""The site's authentication backends: Django's and allauth's, with the logged-in user read by a
prepared statement.

Every page a logged-in person opens starts by reading their ``User`` from the id in the session
(``get_user``). Django does it with ``_default_manager.get(pk=...)``, which builds and compiles a
queryset on every request: about a millisecond of CPU, more than the member snapshot the
dashboard reads next. Here the same read is a ``rewards.prepared.PreparedRead`` and the row
becomes a ``User`` through ``Model.from_db``, as the ORM itself builds instances. Everything
else (how a person authenticates, permissions) is the parent backend's.

A session records the dotted path of the backend that logged its user in, and Django only
accepts sessions whose backend is in ``AUTHENTICATION_BACKENDS``: switching to these paths
logged everyone out once (before the first release).
"""

from __future__ import annotations

import functools

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from rewards.prepared import PreparedRead


@functools.cache
def _user_columns() -> tuple[str, ...]:
    return tuple(field.attname for field in get_user_model()._meta.concrete_fields)


def _user_by_pk(pk):
    return get_user_model()._default_manager.filter(pk=pk).values_list(*_user_columns())


_USER_BY_PK = PreparedRead(_user_by_pk, samples=({"pk": 1}, {"pk": 2}))


def user_by_pk(user_id):
    """The user whose primary key is ``user_id`` (as a session stores it: text), or None."""
    model = get_user_model()
    try:
        pk = model._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    rows = _USER_BY_PK(pk=pk)
    return model.from_db("default", _user_columns(), rows[0]) if rows else None


class _PreparedUserRead:
    def get_user(self, user_id):
        user = user_by_pk(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class SiteModelBackend(_PreparedUserRead, ModelBackend):
    """Django's ``ModelBackend`` (staff and tests log in through it)."""


class SiteAuthenticationBackend(_PreparedUserRead, AuthenticationBackend):
    """allauth's backend: log in by email or by phone."""
