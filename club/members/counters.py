"""Per-member counts of rows that higher apps keep, read by apps that may not import them.

``club.profiles`` counts a member's complaints and support contacts of the last 90 days, but
those rows belong to ``club.care``, a sibling it may not import. ``club.care`` registers here
(in its ``AppConfig.ready``) which table holds each count: a table with a member column and a
time column. The profile refresh then counts the rows of a whole chunk of members inside its
own set-based statement. A counter nobody registered counts zero.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

COMPLAINTS = "complaints"
SUPPORT_CONTACTS = "support_contacts"
COUNTER_NAMES = (COMPLAINTS, SUPPORT_CONTACTS)

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@dataclass(frozen=True)
class CountedTable:
    """Count the rows of ``table`` whose ``member_column`` is the member and whose
    ``time_column`` (a datetime) lies in the window asked for."""

    table: str
    member_column: str
    time_column: str


_COUNTERS: dict[str, CountedTable] = {}


def member_counter_register(name: str, *, table: str, member_column: str, time_column: str) -> None:
    """Register where counter ``name`` (one of ``COUNTER_NAMES``) is counted; a second
    registration of the same name replaces the first. The names are written into SQL, so
    they must be plain lower-case identifiers."""
    if name not in COUNTER_NAMES:
        raise ValueError(f"unknown member counter {name!r}; known: {', '.join(COUNTER_NAMES)}")
    for identifier in (table, member_column, time_column):
        if not _IDENTIFIER.match(identifier):
            raise ValueError(f"{identifier!r} is not a plain SQL identifier")
    _COUNTERS[name] = CountedTable(table=table, member_column=member_column, time_column=time_column)


def member_counter(name: str) -> CountedTable | None:
    """Where counter ``name`` is counted, or ``None`` when no app registered it."""
    return _COUNTERS.get(name)
