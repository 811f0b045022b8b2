"""Checks of a condition's values, as pure functions: each returns ``{field: message}`` for
what is wrong (empty when all is well). The condition blocks raise them as form errors shown
next to the field, so the marketer sees what to fix before saving or previewing."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

Number = int | Decimal

# A look-ahead window ("birthday within the next N days") must stay shorter than a year, or a
# date would fall in it twice; a look-back ("redeemed in the last N days") may go back further.
MAX_LOOKAHEAD_DAYS = 180
MAX_LOOKBACK_DAYS = 3650


def range_errors(
    low: Number | None, high: Number | None, *, low_field: str, high_field: str, minimum: Number = 0,
) -> dict[str, str]:
    """An optional "from ... to ..." pair: at least one bound, none below ``minimum``, from <= to."""
    if low is None and high is None:
        return {low_field: _("Give a minimum, a maximum or both.")}
    errors: dict[str, str] = {}
    for field, value in ((low_field, low), (high_field, high)):
        if value is not None and value < minimum:
            errors[field] = _("Must be %(minimum)s or more.") % {"minimum": minimum}
    if not errors and low is not None and high is not None and low > high:
        errors[high_field] = _("Must not be below the minimum (%(low)s).") % {"low": low}
    return errors


def days_errors(days: int | None, *, field: str, minimum: int, maximum: int) -> dict[str, str]:
    """A number of days between ``minimum`` and ``maximum``."""
    if days is None:
        return {field: _("Give a number of days.")}
    if not minimum <= days <= maximum:
        return {field: _("Must be between %(minimum)s and %(maximum)s days.")
                % {"minimum": minimum, "maximum": maximum}}
    return {}


def at_least_errors(value: Number | None, *, field: str, minimum: Number) -> dict[str, str]:
    """A required number of at least ``minimum``."""
    if value is None:
        return {field: _("Give a number.")}
    if value < minimum:
        return {field: _("Must be %(minimum)s or more.") % {"minimum": minimum}}
    return {}


def choice_errors(chosen, *, field: str) -> dict[str, str]:
    """A multiple choice with at least one option ticked."""
    return {} if chosen else {field: _("Choose at least one.")}


def any_given_errors(values: dict[str, object], *, field: str) -> dict[str, str]:
    """A condition made of optional parts: at least one must be filled in."""
    if any(value not in (None, "", [], ()) for value in values.values()):
        return {}
    return {field: _("Fill in at least one of these.")}
