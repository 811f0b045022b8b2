"""One source record -> the Member values it declares, or every error in it (pure: no database).

A ``RowParser`` is compiled once per import from the mapping and the ``Member`` model's own
fields (choices, lengths, nullability), so the per-row work is a few dictionary look-ups and
one small function per mapped field.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.db import models

from ..models import Member, MemberStatus
from ..phone import InvalidPhoneNumber, phone_to_e164
from .billing_detail import billing_detail_digest
from .importing_mapping import (
    AttributeRule,
    FieldRule,
    ImportMapping,
    ValueInvalid,
    bool_parse,
    decimal_text_parse,
    int_parse,
    rule_reader,
)

E164_RE = re.compile(r"^\+[1-9][0-9]{6,14}$")  # the same as the member_msisdn_e164 constraint
_ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class RowError:
    """One problem in one row. ``row`` is the line a person sees in the file (the CSV header is
    row 1); ``column`` is the source column (or the target field for constants)."""

    row: int
    column: str
    message: str


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any]  # Member attribute name -> value, only the fields the mapping declares
    attributes: dict[str, Any] | None  # None: the mapping declares no attributes


Parser = Callable[[str], Any]


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _iso_date_parse(text: str) -> dt.date:
    try:
        if not _ISO_DATE_RE.match(text):
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueInvalid(f"'{text}' is not a date (YYYY-MM-DD)") from None


def _blank_value(model_field: models.Field) -> Any:
    """What a blank source value means for this field, or raise when it must not be blank."""
    if model_field.null:
        return None
    if model_field.blank and isinstance(model_field, models.CharField):
        return ""
    raise ValueInvalid("is required")


def _field_parser(target: str, *, phone_region: str | None) -> Parser:
    """``text -> value`` for one target field, with messages that name the field's meaning."""
    if target == "billing_detail":
        return lambda text: billing_detail_digest(text) if text else ""
    model_field = Member._meta.get_field(target)
    label = str(model_field.verbose_name)

    def blank_or(parse: Parser) -> Parser:
        def parse_or_blank(text: str) -> Any:
            return parse(text) if text else _blank_value(model_field)

        return parse_or_blank

    if target == "msisdn":
        # E.164 input is checked by phonenumbers once per (country code and first digit,
        # length): whether such a number is possible depends on nothing else. A memo, because
        # parsing every number costs more than the rest of the row.
        e164_verdicts: dict[tuple[str, int], bool] = {}

        def msisdn_parse(text: str) -> str:
            if E164_RE.match(text):
                key = (text[:5], len(text))
                verdict = e164_verdicts.get(key)
                if verdict is None:
                    try:
                        verdict = phone_to_e164(text) == text
                    except InvalidPhoneNumber:
                        verdict = False
                    e164_verdicts[key] = verdict
                if verdict:
                    return text
            try:
                number = phone_to_e164(text, region=phone_region)
            except InvalidPhoneNumber as exc:  # "is not a phone number (library detail)"
                raise ValueInvalid(f"'{text}' {str(exc).split(' (')[0]}") from None
            if not E164_RE.match(number):
                raise ValueInvalid(f"'{text}' is not an E.164 number")
            return number

        return blank_or(msisdn_parse)
    if isinstance(model_field, models.DateField):
        return blank_or(_iso_date_parse)
    if isinstance(model_field, models.BooleanField):
        return blank_or(bool_parse)
    if isinstance(model_field, models.PositiveSmallIntegerField):
        def small_int_parse(text: str) -> int:
            number = int_parse(text)
            if not 0 <= number <= 32767:
                raise ValueInvalid(f"{number} is out of range (0 to 32767)")
            return number

        return blank_or(small_int_parse)
    if target == "language":
        allowed = [code for code, _name in settings.LANGUAGES]
        return blank_or(_choice_parser(label, allowed))
    if target == "time_zone":
        def time_zone_parse(text: str) -> str:
            if text not in _time_zones():
                raise ValueInvalid(f"'{text}' is not a time zone such as 'Asia/Ho_Chi_Minh'")
            return text

        return blank_or(time_zone_parse)
    if model_field.choices:
        allowed = [value for value, _name in model_field.flatchoices if value != ""]
        return blank_or(_choice_parser(label, allowed))
    max_length = model_field.max_length

    def text_parse(text: str) -> str:
        if max_length and len(text) > max_length:
            raise ValueInvalid(f"is {len(text)} characters long; at most {max_length}")
        return text

    return blank_or(text_parse)


def _choice_parser(label: str, allowed: list[str]) -> Parser:
    allowed_set = frozenset(allowed)
    listed = ", ".join(allowed)

    def choice_parse(text: str) -> str:
        if text not in allowed_set:
            raise ValueInvalid(f"'{text}' is not a valid {label} ({listed})")
        return text

    return choice_parse


_ATTRIBUTE_PARSERS: dict[str, Parser] = {
    "str": str,
    "int": int_parse,
    "decimal": decimal_text_parse,
    "bool": bool_parse,
}


class RowParser:
    """Compiled from a mapping once; ``parse`` turns one record into values or errors."""

    def __init__(self, mapping: ImportMapping):
        self.mapping = mapping
        self._fields: list[tuple[FieldRule, Callable[[Mapping[str, str]], str], Parser]] = [
            (rule, rule_reader(rule), _field_parser(target, phone_region=mapping.phone_region))
            for target, rule in mapping.fields.items()
        ]
        self._attributes: list[tuple[AttributeRule, Parser]] = [
            (rule, _ATTRIBUTE_PARSERS[rule.type]) for rule in mapping.attributes.values()
        ]
        self.has_attributes = bool(self._attributes)

    def label(self, target: str) -> str:
        return self.mapping.fields[target].label

    def parse(self, *, row: int, record: Mapping[str, str]) -> tuple[ParsedRow, list[RowError]]:
        values: dict[str, Any] = {}
        errors: list[RowError] = []
        for rule, read, parse in self._fields:
            try:
                value = parse(read(record))
            except ValueInvalid as exc:
                errors.append(RowError(row=row, column=rule.label, message=str(exc)))
                continue
            if rule.target == "billing_detail":
                values["billing_detail_digest"] = value
            else:
                values[rule.target] = value
        reason = values.get("churn_reason")
        if reason and "status" in values and values["status"] != MemberStatus.CHURNED:
            errors.append(RowError(
                row=row, column=self.label("churn_reason"),
                message=f"a churn reason ('{reason}') needs status 'churned', not "
                        f"'{values['status']}'",
            ))
        attributes = self._attributes_parse(row=row, record=record, errors=errors)
        return ParsedRow(row=row, values=values, attributes=attributes), errors

    def _attributes_parse(
        self, *, row: int, record: Mapping[str, str], errors: list[RowError]
    ) -> dict[str, Any] | None:
        if not self.has_attributes:
            return None
        attributes: dict[str, Any] = {}
        for rule, parse in self._attributes:
            text = (record.get(rule.column) or "").strip()
            if rule.value_map is not None:
                text = rule.value_map.get(text, text)
            if not text:
                attributes[rule.key] = None
                continue
            try:
                attributes[rule.key] = parse(text)
            except ValueInvalid as exc:
                errors.append(RowError(row=row, column=rule.column, message=str(exc)))
        return attributes
