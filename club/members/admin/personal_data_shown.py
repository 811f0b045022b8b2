"""Which members' personal data an admin screen showed, and its audit entries (docs/audit.md).

Every admin listing, detail, edit or history screen whose rows are a model of the personal-data
registry (``privacy_registry.py``) records one "viewed" entry per member it showed, whatever
app the screen belongs to: ``PersonalDataShownMiddleware`` reads the rows from the response's
context (``object_list`` of a listing, ``object`` of a screen about one row) once the page has
rendered, and follows the registry's ``path`` from each row to its member. A new screen over a
registered model is therefore audited without a line of its own. Screens that are not about a
registered model but show a member anyway (the member's own screens, a complaint's handling
screen) log themselves with ``PersonalDataViewAudited``.
``tests/integration/audit/test_admin_screens_audited.py`` walks the whole admin and fails on a
page that shows a member's identifiers without an entry."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.urls import reverse

from club.audit.models import AuditEntry
from club.audit.services import personal_data_listed
from club.audit.views import PersonalDataViewAudited

from ..models import Member
from ..phone import InvalidPhoneNumber, phone_to_e164
from ..privacy_registry import Owner, personal_data_registry


def members_of_rows(model: type[models.Model], rows: Sequence[models.Model]) -> list[int]:
    """The ids of the members ``rows`` (instances of ``model``) are about, in row order, each
    once; none when the registry does not declare ``model``. At most two queries, none when the
    rows carry their member's id."""
    holding = personal_data_registry().holding(model)
    if holding is None or not rows:
        return []
    pks = [row.pk for row in rows]
    if holding.path in ("pk", "id"):
        owner_ids = pks
    else:
        direct = _direct_attname(model, holding.path)
        if direct is not None:
            owner_ids = [getattr(row, direct) for row in rows]
        else:
            found = dict(model._default_manager.filter(pk__in=pks).values_list("pk", holding.path))
            owner_ids = [found.get(pk) for pk in pks]
    owner_ids = [owner_id for owner_id in owner_ids if owner_id is not None]
    if holding.owner is Owner.LOGIN:
        by_user = dict(Member.objects.filter(user_id__in=owner_ids).values_list("user_id", "pk"))
        owner_ids = [by_user[user_id] for user_id in owner_ids if user_id in by_user]
    return list(dict.fromkeys(owner_ids))


# What may be a line, an account number or an email inside outside input ("unknown MSISDN +84...").
IDENTIFIER_LIKE = re.compile(r"[\w.+@-]{5,}")
MAX_TOKENS = 5_000


def members_named_in_payloads(model: type[models.Model], rows: Sequence[models.Model]) -> list[int]:
    """The members whose line, account number or login email appears in the payload columns
    (``PAYLOADS`` of the registry: input kept as received) of ``rows``: a refused billing event
    matched to no member may still quote a member's line, in E.164, without its ``+`` or the
    national way. One query, none for other models."""
    fields = [payload.field for payload in personal_data_registry().payloads if payload.model is model]
    tokens: set[str] = set()
    for row in rows:
        for name in fields:
            _tokens_of(getattr(row, name), tokens)
    if not tokens:
        return []
    tokens |= {f"+{token}" for token in tokens if token.isdigit()}
    tokens |= {_as_e164(token) for token in tokens if token.isdigit() and token.startswith("0")} - {None}
    tokens = set(sorted(tokens)[:MAX_TOKENS])
    found = Member.objects.filter(
        Q(msisdn__in=tokens) | Q(account_number__in=tokens) | Q(user__email__in=tokens)
    ).values_list("pk", flat=True)
    return sorted(found)


def _as_e164(national: str) -> str | None:
    """A line written the national way ("0912000555") in the operator's country, in E.164."""
    try:
        return phone_to_e164(national)
    except InvalidPhoneNumber:
        return None


def _tokens_of(value, into: set[str]) -> None:
    if isinstance(value, dict):
        for item in value.values():
            _tokens_of(item, into)
    elif isinstance(value, list | tuple):
        for item in value:
            _tokens_of(item, into)
    elif isinstance(value, str | int) and not isinstance(value, bool):
        text = str(value)
        into.add(text.strip())
        into.update(IDENTIFIER_LIKE.findall(text))


def _direct_attname(model: type[models.Model], path: str) -> str | None:
    """The row's own column holding the owner's id when ``path`` is a field of the model
    (``member`` -> ``member_id``, or a plain ``member_id`` column); None for a longer path."""
    try:
        field = model._meta.get_field(path)
    except FieldDoesNotExist:
        return None
    if field.many_to_one or field.one_to_one or (field.concrete and not field.is_relation):
        return field.attname
    return None


def personal_data_shown_log(*, request, member_ids: Iterable[int], screen: str | None = None) -> int:
    """Records that ``request``'s staff user was shown these members' personal data."""
    members = [Member(pk=member_id) for member_id in dict.fromkeys(member_ids)]
    if not members:
        return 0
    if screen is None:
        match = request.resolver_match
        screen = match.view_name if match is not None else request.path
    return personal_data_listed(members=members, user=request.user, screen=screen)


def _members_shown(context) -> list[int]:
    """The members of the page's rows (a listing's ``object_list``) and of the object the page
    is about (``object``: a detail, or the object of a history or usage listing)."""
    rows = [row for row in context.get("object_list") or () if isinstance(row, models.Model)
            and not isinstance(row, AuditEntry)]  # the audit log names members by id only
    about = context.get("object")
    found = []
    if isinstance(about, models.Model):
        found = members_of_rows(type(about), [about]) + members_named_in_payloads(type(about), [about])
    if rows:
        found += members_of_rows(type(rows[0]), rows) + members_named_in_payloads(type(rows[0]), rows)
    return list(dict.fromkeys(found))


class PersonalDataShownMiddleware:
    """Admin GETs answered 200 with a rendered page: the members the page's rows are about are
    recorded once the page has rendered (a failed render records nothing)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._admin_prefix: str | None = None

    def __call__(self, request):
        return self.get_response(request)

    def process_template_response(self, request, response):
        if self._admin_prefix is None:
            self._admin_prefix = reverse("wagtailadmin_home")
        if request.method != "GET" or not request.path.startswith(self._admin_prefix):
            return response
        if response.status_code != 200 or not response.context_data:
            return response
        view = response.context_data.get("view")
        if isinstance(view, PersonalDataViewAudited):
            return response  # the view records its member itself
        member_ids = _members_shown(response.context_data)
        if member_ids and request.user.is_authenticated:

            def log_once_rendered(_response) -> None:  # a returned value would replace the response
                personal_data_shown_log(request=request, member_ids=member_ids)

            response.add_post_render_callback(log_once_rendered)
        return response
