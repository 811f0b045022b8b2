"""r12: nobody reaches what is not theirs, by any page, endpoint or method.

- Every pattern of the partner portal (found by walking the resolver for the ``partners``
  namespace) × GET/POST/PUT/PATCH/DELETE, as an administrator of partner P1, with partner P2's
  ids in the URL.
- Every operation of the partner API (found in its published OpenAPI document) × the same
  methods, with P1's API key and P2's ids (in the path, and P2's code in the body).
- Every pattern of the member portal with an id (``cms.portal_urls``) × the same methods, as
  member M1, with member M2's objects.

A page or endpoint added later is covered automatically; one whose URL names a parameter this
test has no fixture for fails the test (add the fixture). Expected answers are 4xx (404 above
all). A **leak** is a 2xx answer showing the other's data (P2's or M2's markers, or any
subscriber's personal data on a partner page); a **change** is any row of the database that
belongs to someone other than the caller (snapshotted before and after each pattern's requests)
added, changed or removed. Prints one line of figures; both must be 0.
"""

from __future__ import annotations

import html
import re
import uuid
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from campaigns.contact.models import Delivery
from club.care.models import Complaint, Survey
from club.events.models import Rsvp
from club.members.models import Member
from partners.api.models import ApiKey, Scope
from partners.api.services.keys import api_key_create
from partners.copromotions.models import CoPromotion, PromotionCode
from partners.organisations.models import Partner, PartnerInvitation, PartnerRole, PartnerUser
from partners.organisations.services import partner_user_invite
from partners.settlement.models import Statement
from rewards.bundles.models import BundleOrder
from rewards.catalogue.models import Redemption, Reward
from tests.partner_fixtures import partner_login

# Committed as in production: the demo's sends and redemptions run their after-commit tasks.
pytestmark = pytest.mark.django_db(transaction=True)

METHODS = ("get", "post", "put", "patch", "delete")
DEMO_MEMBERS = 60
# 4xx: refused. A 2xx or a redirect on another's object is reported as unexpected.
REFUSED = {400, 401, 403, 404, 405, 409, 422}
UNKNOWN_ID = 987654321
# Parameters naming objects that are not anyone's own (public): a member RSVPs to any published
# event, redeems any live reward, answers any live survey. Their routes must still leak nothing
# and change nothing of another's, but a 200 is the design there.
PUBLIC_PARAMS = {"event_id", "reward_id", "survey_id"}
# Rows the snapshot leaves out: sessions come and go with every request by design.
SNAPSHOT_SKIP = {"sessions.session"}
SNAPSHOT_APPS = {
    "accounts", "account", "mfa", "members", "membership", "events", "care", "profiles", "catalogue",
    "bundles", "ledger", "tiers", "discounts", "contact", "sends", "partner_organisations", "copromotions",
    "partner_api", "settlement",
}


def _forged(value: dict) -> str:
    """A token of the right shape naming the other's object, signed with the wrong key."""
    return signing.Signer(key="not-the-secret-key", salt="r12").sign_object(value)


# --- the world -------------------------------------------------------------------------------

@dataclass
class World:
    p1_admin: PartnerUser
    p2_admin: PartnerUser
    p1_key: str
    p2_key: ApiKey
    p2_invitation: PartnerInvitation
    p2_copromotion: CoPromotion
    p2_code: str
    p2_redemption_id: int
    p2_statement: Statement
    m1: Member
    m2: Member
    partner_markers: list[str] = field(default_factory=list)
    other_members_code: PromotionCode | None = None
    member_markers: list[str] = field(default_factory=list)
    subscriber_markers: list[str] = field(default_factory=list)


def _world() -> World:
    call_command("load_demo", members=DEMO_MEMBERS)
    p1 = Partner.objects.get(slug="streamly")
    p2 = Partner.objects.get(slug="gadgetland")
    p1_admin = PartnerUser.objects.select_related("user").get(partner=p1, role=PartnerRole.ADMIN)
    p2_admin = PartnerUser.objects.select_related("user").get(partner=p2, role=PartnerRole.ADMIN)
    p1_key = api_key_create(partner_id=p1.pk, name="r12 P1", scopes=list(Scope.values)).secret
    p2_key = api_key_create(partner_id=p2.pk, name="r12 P2", scopes=list(Scope.values)).api_key
    p2_invitation = partner_user_invite(actor=p2_admin.user, partner=p2, email="invitee@gadgetland.example",
                                        role=PartnerRole.ANALYST)
    p2_copromotion = CoPromotion.objects.filter(partner=p2).order_by("pk").first()
    p2_code = PromotionCode.objects.filter(copromotion__partner=p2).exclude(state="redeemed").first().code
    from partners.copromotions.models import PartnerRedemption

    p2_redemption = PartnerRedemption.objects.filter(
        partner=p2, reversed_at__isnull=True
    ).first()
    p2_statement = Statement.objects.filter(partner=p2, state="issued").first()
    m1 = Member.objects.select_related("user").get(user__email="lan.nguyen@example.com")
    m2 = _member_with_objects(exclude=m1)
    world = World(
        p1_admin=p1_admin, p2_admin=p2_admin, p1_key=p1_key, p2_key=p2_key, p2_invitation=p2_invitation,
        p2_copromotion=p2_copromotion, p2_code=p2_code, p2_redemption_id=p2_redemption.pk,
        p2_statement=p2_statement, m1=m1, m2=m2,
    )
    world.partner_markers = [p2.name, p2_copromotion.title, p2_admin.user.email, p2_invitation.email,
                             p2_key.prefix, p2_code, *(filter(None, [p2_statement.number]))]
    # A co-promotion code given to another member (the demo's campaigns gave them out).
    world.other_members_code = (
        PromotionCode.objects.filter(member__isnull=False).exclude(member=m1).order_by("pk").first()
    )
    complaint = Complaint.objects.filter(member=m2).first()
    world.member_markers = [m2.msisdn, m2.account_number, complaint.subject,
                            *(filter(None, [m2.user and m2.user.email]))]
    if world.other_members_code:
        world.member_markers.append(world.other_members_code.code)
    world.subscriber_markers = [
        value for row in Member.objects.values_list("msisdn", "account_number") for value in row
    ] + list(get_user_model().objects.filter(member__isnull=False).values_list("email", flat=True))
    return world


def _member_with_objects(*, exclude: Member) -> Member:
    """M2: another member, given one of each object the member portal names by id."""
    from tests.factories import MemberFactory, UserFactory

    m2 = MemberFactory(user=UserFactory(email="r12.other.member@example.test"), language="en")
    _give_objects(m2)
    return m2


def _give_objects(member: Member) -> None:
    """A bundle order (placed by the service), and one redemption, confirmed RSVP, complaint and
    delivery copied from the demo's (so they are valid) and re-pointed at ``member``."""
    from rewards.bundles.services.order import bundle_order_place
    from tests.integration.bundles.factories import template

    bundle = template(name="R12 bundle", code="r12-bundle", validity_days=30, return_window_days=14)
    placed = bundle_order_place(member_id=member.pk, template_id=bundle.pk, idempotency_key="r12-m2",
                                source="portal")
    assert placed.is_success, placed
    complaint = {"subject": "R12 private complaint of the other member"}
    for model, extra in ((Redemption, {}), (Complaint, complaint), (Delivery, {})):
        template = model.objects.exclude(member=member).order_by("pk").first()
        assert template is not None, f"the demo has no {model.__name__} to copy for M2"
        template.pk = None
        template.id = None
        template.member = member
        for name, value in extra.items():
            setattr(template, name, value)
        _unique_fields_refresh(template)
        template.save(force_insert=True)
    rsvp = Rsvp.objects.filter(status="confirmed").order_by("pk").first()
    assert rsvp is not None, "the demo has no confirmed RSVP to copy for M2"
    event_ids_taken = set(Rsvp.objects.filter(member=member).values_list("event_id", flat=True))
    assert rsvp.event_id not in event_ids_taken
    rsvp.pk = None
    rsvp.id = None
    rsvp.member = member
    _unique_fields_refresh(rsvp)
    rsvp.save(force_insert=True)


def _unique_fields_refresh(obj) -> None:
    for model_field in obj._meta.concrete_fields:
        if model_field.primary_key or not model_field.unique:
            continue
        current = getattr(obj, model_field.attname)
        if isinstance(current, str):
            setattr(obj, model_field.attname, f"r12{uuid.uuid4().hex[:10]}"[: model_field.max_length or 40])
        elif isinstance(current, uuid.UUID):
            setattr(obj, model_field.attname, uuid.uuid4())


# --- fixtures for URL parameters -------------------------------------------------------------

def _partner_fixtures(world: World) -> dict[str, object]:
    return {
        "partner_user_id": world.p2_admin.pk,
        "invitation_id": world.p2_invitation.pk,
        "copromotion_id": world.p2_copromotion.pk,
        "key_id": str(world.p2_key.pk),
        "statement_id": world.p2_statement.pk,
        "token": _forged({"i": world.p2_invitation.pk}),
    }


def _member_fixtures(world: World) -> dict[str, object]:
    m2 = world.m2
    m1_events = set(Rsvp.objects.filter(member=world.m1).values_list("event_id", flat=True))
    return {
        "delivery_id": Delivery.objects.filter(member=m2).values_list("pk", flat=True).first(),
        "event_id": Rsvp.objects.filter(member=m2, status="confirmed").exclude(event_id__in=m1_events)
        .values_list("event_id", flat=True).first(),
        "reward_id": Reward.objects.values_list("pk", flat=True).first(),  # a public object
        "redemption_id": Redemption.objects.filter(member=m2).values_list("pk", flat=True).first(),
        "survey_id": Survey.objects.values_list("pk", flat=True).first(),  # a public object
        "complaint_id": Complaint.objects.filter(member=m2).values_list("pk", flat=True).first(),
        "order_id": BundleOrder.objects.filter(member=m2).values_list("pk", flat=True).first(),
        "code_id": world.other_members_code.pk if world.other_members_code else None,
        "token": _forged({"m": m2.pk, "c": "email"}),
    }


def _api_fixtures(world: World) -> dict[str, object]:
    return {
        "redemption_id": world.p2_redemption_id,
        "promotion_id": world.p2_copromotion.pk,
        "copromotion_id": world.p2_copromotion.pk,
        "id": world.p2_copromotion.pk,
    }


# --- enumeration -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Route:
    name: str
    path: str  # with the parameters filled in
    params: tuple[str, ...]
    unknown_path: str = ""  # the same with ids that exist nowhere


def _walk(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.name


def _routes(namespace: str, fixtures: dict[str, object], missing: list[str]) -> list[Route]:
    mount, resolver = get_resolver().namespace_dict[namespace]
    routes = []
    for pattern, name in _walk(resolver):
        params = tuple(re.findall(r"<(?:\w+:)?(\w+)>", pattern))
        path = unknown = pattern
        for param in params:
            value = fixtures.get(param)
            if value is None:
                missing.append(f"{namespace}:{name} <{param}>")
                continue
            path = re.sub(rf"<(?:\w+:)?{param}>", str(value), path)
            nowhere = _forged({"x": UNKNOWN_ID}) if param == "token" else UNKNOWN_ID
            unknown = re.sub(rf"<(?:\w+:)?{param}>", str(nowhere), unknown)
        routes.append(Route(name=f"{namespace}:{name}", path=f"/{mount}{path}".replace("^", ""),
                            params=params, unknown_path=f"/{mount}{unknown}".replace("^", "")))
    return routes


# --- the snapshot ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Owner:
    user_ids: frozenset
    member_ids: frozenset
    partner_ids: frozenset


def _snapshot() -> dict[tuple[str, object], dict]:
    rows = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label not in SNAPSHOT_APPS or label in SNAPSHOT_SKIP or model._meta.proxy:
            continue
        for row in model.objects.values():
            rows[(label, row[model._meta.pk.attname])] = {key: repr(value) for key, value in row.items()}
    return rows


def _own(label: str, row: dict, owner: Owner) -> bool:
    def ref(name):
        return row.get(name, "None")

    if label == "accounts.user":
        return ref("id") in owner.user_ids
    if label == "members.member":
        return ref("id") in owner.member_ids
    return (ref("user_id") in owner.user_ids or ref("member_id") in owner.member_ids
            or ref("partner_id") in owner.partner_ids)


def _foreign_changes(before: dict, after: dict, owner: Owner) -> list[str]:
    changed = []
    for key in before.keys() | after.keys():
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if all(row is None or _own(key[0], row, owner) for row in (old, new)):
            continue  # the caller's own rows (its session's last login, its own RSVP to a public event)
        changed.append(f"{key[0]}#{key[1]}")
    return changed


# --- the run ---------------------------------------------------------------------------------

@dataclass
class Tally:
    tried: int = 0
    leaks: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)


def _shows(body: str, markers: list[str]) -> list[str]:
    """The markers the body shows, as written or HTML-escaped."""
    found = []
    for marker in filter(None, map(str, markers)):
        if marker in body or html.escape(marker) in body:
            found.append(marker)
    return found


def _try(client: Client, route: Route, tally: Tally, markers: list[str], owner: Owner, *,
         methods=METHODS, headers: dict | None = None, body: dict | None = None) -> None:
    before = _snapshot()
    for method in methods:
        call = getattr(client, method)
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()}
        if "Idempotency-Key" in (headers or {}):
            extra["HTTP_IDEMPOTENCY_KEY"] = uuid.uuid4().hex
        if body is not None and method != "get":
            response = call(route.path, data=body, content_type="application/json", **extra)
        else:
            response = call(route.path, **extra)
        tally.tried += 1
        text = response.content.decode("utf-8", "replace") if response.get("Content-Type", "").startswith(
            ("text/", "application/json")) else response.content.decode("latin-1")
        seen = _shows(text, markers)
        if 200 <= response.status_code < 300 and seen:
            tally.leaks.append(f"{method.upper()} {route.path} {response.status_code} shows {seen}")
        if route.params and response.status_code not in REFUSED and not set(route.params) <= PUBLIC_PARAMS:
            # Acceptable only when it is exactly the answer to an id that does not exist.
            unknown = call(route.unknown_path, **extra)
            answers = [(r.status_code, r.get("Location")) for r in (unknown, response)]
            if answers[0] != answers[1]:
                tally.unexpected.append(f"{method.upper()} {route.path} {response.status_code}")
    tally.changes += [f"{route.name}: {change}" for change in _foreign_changes(before, _snapshot(), owner)]


def _openapi_routes(
    client: Client, fixtures: dict[str, object], missing: list[str]
) -> list[tuple[Route, bool]]:
    document = client.get("/api/partner/v1/openapi.json").json()
    routes = []
    for path, operations in document["paths"].items():
        params = tuple(re.findall(r"{(\w+)}", path))
        filled = unknown = path
        for param in params:
            value = fixtures.get(param)
            if value is None:
                missing.append(f"partner API {path} {{{param}}}")
                continue
            filled = filled.replace(f"{{{param}}}", str(value))
            unknown = unknown.replace(f"{{{param}}}", str(UNKNOWN_ID))
        wants_body = any("requestBody" in operation for operation in operations.values())
        route = Route(name=f"api:{path}", path=f"/api/partner/v1{filled}", params=params,
                      unknown_path=f"/api/partner/v1{unknown}")
        routes.append((route, wants_body))
    return routes


def test_r12_no_partner_or_member_reaches_anothers_objects():
    world = _world()
    missing: list[str] = []

    partner = Client()
    partner_login(partner, world.p1_admin.user)
    p1 = world.p1_admin
    partner_owner = Owner(frozenset({repr(p1.user_id)}), frozenset(), frozenset({repr(p1.partner_id)}))
    partner_markers = world.partner_markers + world.subscriber_markers
    partner_tally = Tally()
    for route in _routes("partners", _partner_fixtures(world), missing):
        methods = METHODS if route.params else ("get",)  # pages without an id: nothing of another's to name
        _try(partner, route, partner_tally, partner_markers, partner_owner, methods=methods)

    api = Client()
    api_tally = Tally()
    bearer = {"Authorization": f"Bearer {world.p1_key}", "Idempotency-Key": "r12"}
    api_body = {"code": world.p2_code, "reference": "r12"}
    for route, wants_body in _openapi_routes(api, _api_fixtures(world), missing):
        is_about_anothers = bool(route.params) or wants_body
        if not is_about_anothers:
            _try(api, route, api_tally, partner_markers, partner_owner, methods=("get",), headers=bearer)
            continue
        route = Route(route.name, route.path, route.params or ("body",), route.unknown_path)
        _try(api, route, api_tally, partner_markers, partner_owner, headers=bearer, body=api_body)

    member = Client()
    member.force_login(world.m1.user)
    m1 = world.m1
    member_owner = Owner(frozenset({repr(m1.user_id)}), frozenset({repr(m1.pk)}), frozenset())
    member_tally = Tally()
    for route in _routes("portal", _member_fixtures(world), missing):
        if route.params:
            _try(member, route, member_tally, world.member_markers, member_owner)

    # Controls: the markers do show where they belong, so their absence above means something.
    owner_p2 = Client()
    partner_login(owner_p2, world.p2_admin.user)
    detail = owner_p2.get(f"/partners/co-promotions/{world.p2_copromotion.pk}/").content.decode()
    assert world.p2_copromotion.title in detail
    owner_m2 = Client()
    owner_m2.force_login(world.m2.user)
    complaint = Complaint.objects.filter(member=world.m2).first()
    assert complaint.subject in owner_m2.get(f"/portal/complaints/{complaint.pk}/").content.decode()

    tallies = {"portal": partner_tally, "api": api_tally, "member": member_tally}
    tried = sum(t.tried for t in tallies.values())
    leaks = [leak for t in tallies.values() for leak in t.leaks]
    changes = [change for t in tallies.values() for change in t.changes]
    unexpected = [u for t in tallies.values() for u in t.unexpected]
    print(
        f"r12: {tried} requests (partner portal {partner_tally.tried}, partner API {api_tally.tried}, "
        f"member portal {member_tally.tried}) x GET/POST/PUT/PATCH/DELETE; leaks {len(leaks)}, "
        f"changes {len(changes)}, non-4xx on another's id {len(unexpected)}, parameters without fixture "
        f"{len(missing)}"
    )
    assert not missing, f"URL parameters with no fixture in this test: {missing}"
    print("\n".join(["unexpected:", *unexpected]) if unexpected else "")
    assert not leaks, leaks
    assert not changes, changes
    assert not unexpected, unexpected  # e.g. a 200 or a redirect on another's object
    assert partner_tally.tried and api_tally.tried and member_tally.tried
