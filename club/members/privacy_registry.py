"""The personal-data registry: which tables hold what about a member, how the data export reads
them and how an erasure treats them (docs/privacy.md).

Each app declares its own tables in a ``personal_data.py`` module of its own, as two tuples:

- ``PERSONAL_DATA``: ``Holding`` rows; one per model that holds something about a member,
  with the lookup from the model to the member (or to the member's login) and what erasure
  does: delete the rows, blank the personal fields, or keep them (with the reason).
- ``NOT_PERSONAL``: ``Exempt`` rows; models that look personal to the enumeration test
  (a foreign key towards a member or a login, a column named like ``email`` or ``phone``)
  but hold nothing about a subscriber, each with the reason.
- ``PAYLOADS``: ``Payload`` rows; columns that keep outside input as received (a rejected
  billing event, a Stripe event, an error text), which may quote a member's identifiers
  (a ``Holding``'s ``identifiers``) in any row, matched to the member or not: an erasure
  replaces them there by the member's pseudonyms.

``personal_data_holdings()`` collects the declarations of every installed app, so a lower layer
reads what the higher ones declared without importing them. ``tests/reliability/
test_r15_privacy.py`` walks every model Django knows and fails, naming it, on a model that
looks personal and is declared in neither tuple.
"""

from __future__ import annotations

import enum
import importlib
from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.db import models


class Erasure(enum.Enum):
    DELETE = "delete"  # the rows go
    BLANK = "blank"  # the rows stay; ``fields`` are emptied (or replaced by the member's pseudonym)
    KEEP = "keep"  # nothing in the rows identifies the person; ``reason`` says why they stay
    SERVICE = "service"  # a named service pseudonymises the row (``reason`` names it)


class Owner(enum.Enum):
    MEMBER = "member"  # ``path`` leads to the member's id
    LOGIN = "login"  # ``path`` leads to the id of the member's login (the user)


@dataclass(frozen=True)
class Holding:
    """``model`` holds data about one member, found through ``path`` (a queryset lookup)."""

    model: type[models.Model]
    key: str  # the list's name in the export
    path: str = "member"
    owner: Owner = Owner.MEMBER
    erasure: Erasure = Erasure.KEEP
    fields: tuple[str, ...] = ()  # the personal columns (blanked when erasure is BLANK)
    exclude: tuple[str, ...] = ()  # columns left out of the export (secrets, internal digests)
    reason: str = ""
    is_one_row: bool = False  # exported as one object (the member, the login), not a list
    # columns whose values name the person wherever they are quoted (payloads are scrubbed of them)
    identifiers: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.erasure in (Erasure.KEEP, Erasure.SERVICE) and not self.reason:
            raise ValueError(f"{self.model._meta.label}: say why erasure keeps it ({self.erasure})")
        if self.erasure is Erasure.BLANK and not self.fields:
            raise ValueError(f"{self.model._meta.label}: BLANK names the fields it blanks")
        for name in (*self.fields, *self.exclude, *self.identifiers):
            self.model._meta.get_field(name)  # a typo fails at start-up, not in an erasure


@dataclass(frozen=True)
class Exempt:
    """``model`` looks personal but holds nothing about a subscriber; ``reason`` says why."""

    model: type[models.Model]
    reason: str


@dataclass(frozen=True)
class Payload:
    """``model.field`` (JSON or text) keeps outside input as received; it may quote a member's
    identifiers in rows that are not the member's."""

    model: type[models.Model]
    field: str

    def __post_init__(self) -> None:
        column = self.model._meta.get_field(self.field)
        if not isinstance(column, models.JSONField | models.TextField | models.CharField):
            raise ValueError(f"{self.model._meta.label}.{self.field}: a payload is JSON or text")


@dataclass(frozen=True)
class Registry:
    holdings: tuple[Holding, ...]
    exempt: tuple[Exempt, ...]
    declared_in: dict[str, str] = field(default_factory=dict)  # model label -> module
    payloads: tuple[Payload, ...] = ()

    def holding(self, model: type[models.Model]) -> Holding | None:
        return next((h for h in self.holdings if h.model is model), None)


def exempt(*many: type[models.Model], reason: str) -> tuple[Exempt, ...]:
    """Several models exempt for one reason."""
    return tuple(Exempt(model=model, reason=reason) for model in many)


@cache
def personal_data_registry() -> Registry:
    """Every app's ``personal_data`` declarations, in app order; a model declared twice is an
    error (one place per model)."""
    holdings: list[Holding] = []
    exempted: list[Exempt] = []
    payloads: list[Payload] = []
    declared_in: dict[str, str] = {}
    for config in apps.get_app_configs():
        module_name = f"{config.name}.personal_data"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
            continue
        payloads.extend(getattr(module, "PAYLOADS", ()))
        for item in (*getattr(module, "PERSONAL_DATA", ()), *getattr(module, "NOT_PERSONAL", ())):
            label = item.model._meta.label
            if label in declared_in:
                raise ValueError(f"{label} is declared in {declared_in[label]} and {module_name}")
            declared_in[label] = module_name
            (holdings if isinstance(item, Holding) else exempted).append(item)
    return Registry(holdings=tuple(holdings), exempt=tuple(exempted), declared_in=declared_in,
                    payloads=tuple(payloads))


def holding_rows(holding: Holding, *, member_id: int, user_id: int | None) -> models.QuerySet:
    """The rows of ``holding`` that belong to the member (none for a login it does not have)."""
    owner_id = member_id if holding.owner is Owner.MEMBER else user_id
    if owner_id is None:
        return holding.model._default_manager.none()
    return holding.model._default_manager.filter(**{holding.path: owner_id})
