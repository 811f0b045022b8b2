"""The declared column mapping of the subscriber import: which Member field comes from which
source column, through which transform. See docs/import.md for the JSON format.

Everything here is pure (no database): a mapping is parsed and checked once, then compiled
into one small function per target field that the row parser calls.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import phonenumbers

SHIPPED_MAPPINGS_DIR = Path(__file__).resolve().parent.parent / "import_mappings"

# Member fields a mapping may fill. ``billing_detail`` is not a column: it is stored only as
# ``Member.billing_detail_digest``.
IMPORTABLE_FIELDS = (
    "msisdn", "account_number", "customer_type", "activation_date", "payment_plan", "tariff_kind",
    "plan_name", "region", "city", "language", "birth_date", "status", "churn_reason", "segment",
    "consent_marketing", "consent_profiling", "consent_email", "consent_sms", "consent_portal",
    "max_messages_per_week", "time_zone", "billing_detail",
)
REQUIRED_FIELDS = ("account_number", "msisdn", "activation_date")
ATTRIBUTE_TYPES = ("str", "int", "decimal", "bool")
DERIVATIONS = ("msisdn_from_account",)
_MAPPING_KEYS = {"name", "description", "phone_region", "fields", "attributes"}
_RULE_KEYS = {"column", "constant", "derive", "map", "default", "months_before", "country_code"}
_ATTRIBUTE_KEYS = {"column", "type", "map"}


class MappingInvalid(ValueError):
    """The mapping file itself is wrong; ``str(exc)`` says where and why."""


@dataclass(frozen=True)
class FieldRule:
    """Where one target value comes from. Exactly one of ``column``, ``constant``, ``derive``.

    Order of application: read the column (stripped) or take the constant; derive; map through
    ``value_map`` (``default`` for values not in it, or for a blank when there is no map);
    count ``months_before`` the as-of date.
    """

    target: str
    column: str | None = None
    constant: str | None = None
    derive: str | None = None
    value_map: Mapping[str, str] | None = None
    default: str | None = None
    months_before: dt.date | None = None
    country_code: str = "1"

    @property
    def label(self) -> str:
        """The column named in error messages: the source column, or the target field."""
        return self.column or self.target


@dataclass(frozen=True)
class AttributeRule:
    key: str
    column: str
    type: str = "str"
    value_map: Mapping[str, str] | None = None


@dataclass(frozen=True)
class ImportMapping:
    name: str
    fields: Mapping[str, FieldRule]
    attributes: Mapping[str, AttributeRule] = field(default_factory=dict)
    phone_region: str | None = None
    description: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def source_columns(self) -> list[str]:
        """The columns a file must have, in the mapping's order, each once."""
        columns = [rule.column for rule in self.fields.values() if rule.column]
        columns += [rule.column for rule in self.attributes.values()]
        return list(dict.fromkeys(columns))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, name: str = "") -> ImportMapping:
        return mapping_parse(data=data, name=name)


# --- loading ---------------------------------------------------------------------------------


def import_mapping_names() -> list[str]:
    """The mappings shipped with Troika, by name (file stem)."""
    return sorted(path.stem for path in SHIPPED_MAPPINGS_DIR.glob("*.json"))


def import_mapping_load(name_or_path: str | Path) -> ImportMapping:
    """A shipped mapping by name (``"telco-customers"``) or a mapping JSON file by path."""
    text = str(name_or_path)
    if text in import_mapping_names():
        path = SHIPPED_MAPPINGS_DIR / f"{text}.json"
    else:
        path = Path(text)
        if not path.is_file():
            known = ", ".join(import_mapping_names())
            raise MappingInvalid(f"No mapping named '{text}' (shipped: {known}) and no such file.")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise MappingInvalid(f"{path.name} is not valid JSON: {exc}") from exc
    return mapping_parse(data=data, name=path.stem)


def mapping_parse(*, data: Any, name: str = "") -> ImportMapping:
    """Check a mapping's JSON and build it; raises ``MappingInvalid`` with a precise message."""
    if not isinstance(data, Mapping):
        raise MappingInvalid("A mapping is a JSON object.")
    unknown = set(data) - _MAPPING_KEYS
    if unknown:
        raise MappingInvalid(f"Unknown mapping keys: {', '.join(sorted(unknown))}.")
    phone_region = data.get("phone_region")
    if phone_region is not None and phone_region not in phonenumbers.SUPPORTED_REGIONS:
        raise MappingInvalid(f"phone_region '{phone_region}' is not a region code such as 'US'.")
    raw_fields = data.get("fields")
    if not isinstance(raw_fields, Mapping):
        raise MappingInvalid("'fields' is required: an object of target field -> rule.")
    fields = {target: _field_rule_parse(target, rule) for target, rule in raw_fields.items()}
    missing = [target for target in REQUIRED_FIELDS if target not in fields]
    if missing:
        raise MappingInvalid(f"fields: {', '.join(missing)} must be mapped.")
    if "churn_reason" in fields and "status" not in fields:
        raise MappingInvalid("fields: churn_reason needs status mapped too.")
    raw_attributes = data.get("attributes", {})
    if not isinstance(raw_attributes, Mapping):
        raise MappingInvalid("'attributes' is an object of attribute name -> rule.")
    attributes = {key: _attribute_rule_parse(key, rule) for key, rule in raw_attributes.items()}
    return ImportMapping(
        name=str(data.get("name") or name),
        description=str(data.get("description", "")),
        phone_region=phone_region,
        fields=fields,
        attributes=attributes,
        raw=dict(data),
    )


def _string_map(where: str, value: Any) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise MappingInvalid(f"{where}: 'map' is an object of text -> text.")
    return dict(value)


def _field_rule_parse(target: str, rule: Any) -> FieldRule:
    where = f"fields.{target}"
    if target not in IMPORTABLE_FIELDS:
        raise MappingInvalid(f"{where}: not an importable field ({', '.join(IMPORTABLE_FIELDS)}).")
    if not isinstance(rule, Mapping):
        raise MappingInvalid(f"{where}: a rule is an object, e.g. {{\"column\": \"...\"}}.")
    unknown = set(rule) - _RULE_KEYS
    if unknown:
        raise MappingInvalid(f"{where}: unknown keys {', '.join(sorted(unknown))}.")
    sources = [key for key in ("column", "constant", "derive") if key in rule]
    if len(sources) == 2 and set(sources) == {"column", "derive"}:
        sources = ["derive"]  # derive reads "column"
    if len(sources) != 1:
        raise MappingInvalid(f"{where}: give exactly one of 'column', 'constant' or 'derive'.")
    for key in ("column", "constant", "default"):
        if key in rule and not isinstance(rule[key], str):
            raise MappingInvalid(f"{where}: '{key}' is text.")
    derive = rule.get("derive")
    if derive is not None:
        if derive not in DERIVATIONS:
            raise MappingInvalid(f"{where}: derive is one of {', '.join(DERIVATIONS)}.")
        if target != "msisdn" or not rule.get("column"):
            raise MappingInvalid(f"{where}: msisdn_from_account derives msisdn from a 'column'.")
    country_code = str(rule.get("country_code", "1"))
    if country_code != "1":
        raise MappingInvalid(f"{where}: only country_code '1' (NANP numbers) can be derived.")
    months_before = rule.get("months_before")
    if months_before is not None:
        try:
            months_before = dt.date.fromisoformat(months_before)
        except (TypeError, ValueError) as exc:
            raise MappingInvalid(f"{where}: months_before is an as-of date, YYYY-MM-DD.") from exc
    return FieldRule(
        target=target,
        column=rule.get("column"),
        constant=rule.get("constant"),
        derive=derive,
        value_map=_string_map(where, rule.get("map")),
        default=rule.get("default"),
        months_before=months_before,
        country_code=country_code,
    )


def _attribute_rule_parse(key: str, rule: Any) -> AttributeRule:
    where = f"attributes.{key}"
    if not isinstance(rule, Mapping) or not isinstance(rule.get("column"), str):
        raise MappingInvalid(f"{where}: a rule is an object with a 'column'.")
    unknown = set(rule) - _ATTRIBUTE_KEYS
    if unknown:
        raise MappingInvalid(f"{where}: unknown keys {', '.join(sorted(unknown))}.")
    kind = rule.get("type", "str")
    if kind not in ATTRIBUTE_TYPES:
        raise MappingInvalid(f"{where}: type is one of {', '.join(ATTRIBUTE_TYPES)}.")
    return AttributeRule(
        key=key, column=rule["column"], type=kind, value_map=_string_map(where, rule.get("map"))
    )


# --- transforms ------------------------------------------------------------------------------


class ValueInvalid(ValueError):
    """One value of one row is wrong; ``str(exc)`` is the message shown to staff."""


def months_before(*, as_of: dt.date, months: int) -> dt.date:
    """``as_of`` minus whole months, the day clamped to the month's end (31 Mar - 1 = 28/29 Feb)."""
    index = as_of.year * 12 + (as_of.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    next_month = dt.date(year + (month == 12), month % 12 + 1, 1)
    last_day = (next_month - dt.timedelta(days=1)).day
    return dt.date(year, month, min(as_of.day, last_day))


def msisdn_from_account(account: str) -> str:
    """A stable, E.164-valid NANP number (+1 NXX NXX XXXX) derived from an account id.

    For sources without phone numbers: the same account always gets the same number, on any
    machine (a plain SHA-256, no secret). Area code and exchange start with 2-9 as NANP
    requires. Collisions are possible in principle (6.4 billion numbers) and are reported as
    duplicate MSISDNs like any other.
    """
    value = int.from_bytes(hashlib.sha256(f"troika-msisdn:{account}".encode()).digest()[:8], "big")
    value, line = divmod(value, 10_000)
    value, exchange = divmod(value, 800)
    area = value % 800
    return f"+1{area + 200:03d}{exchange + 200:03d}{line:04d}"


_INT_RE = re.compile(r"^[+-]?\d+$")
_DECIMAL_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
TRUE_WORDS = frozenset({"true", "yes", "y", "1", "t"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "f"})


def bool_parse(text: str) -> bool:
    word = text.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueInvalid(f"'{text}' is not yes/no (use true/false, yes/no or 1/0)")


def int_parse(text: str) -> int:
    if not _INT_RE.match(text):
        raise ValueInvalid(f"'{text}' is not a whole number")
    return int(text)


def decimal_text_parse(text: str) -> str:
    """A decimal number kept as its text (JSON has no exact decimals)."""
    if not _DECIMAL_RE.match(text):
        raise ValueInvalid(f"'{text}' is not a number")
    return text


def value_mapped(*, value: str, value_map: Mapping[str, str], default: str | None) -> str:
    if value in value_map:
        return value_map[value]
    if default is not None:
        return default
    expected = ", ".join(f"'{key}'" for key in value_map)
    shown = f"'{value}'" if value else "blank"
    raise ValueInvalid(f"{shown} is not one of the mapped values ({expected})")


def rule_reader(rule: FieldRule) -> Callable[[Mapping[str, str]], str]:
    """Compile a rule into ``record -> text`` (before the target field's own parsing)."""
    if rule.constant is not None:
        constant = rule.constant
        return lambda record: constant
    column, value_map, default, as_of = rule.column, rule.value_map, rule.default, rule.months_before

    def read(record: Mapping[str, str]) -> str:
        value = (record.get(column) or "").strip()
        if rule.derive:
            if not value:
                raise ValueInvalid("is blank: the MSISDN is derived from it")
            return msisdn_from_account(value)
        if value_map is not None:
            value = value_mapped(value=value, value_map=value_map, default=default)
        elif not value and default is not None:
            value = default
        if as_of is not None and value:
            if not _INT_RE.match(value):
                raise ValueInvalid(f"'{value}' is not a whole number of months")
            months = int(value)
            if months < 0:
                raise ValueInvalid(f"'{value}' months is negative")
            return months_before(as_of=as_of, months=months).isoformat()
        return value

    return read
