"""Which members hold a club membership, asked by apps that may not import its owner.

``club.events`` gates events to club members, but the club apps are siblings in the layer
order and may not import each other. ``club.membership`` registers its answer here (in its
``AppConfig.ready``); asking apps call ``club_membership_holders``. Without a registered
answer nobody holds a membership.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

_HOLDERS: list[Callable[[list[int]], set[int]]] = []


def club_membership_holders_register(answer: Callable[[list[int]], set[int]]) -> None:
    """Register ``answer(member_ids) -> the ids among them whose membership entitles now``."""
    if answer not in _HOLDERS:
        _HOLDERS.clear()
        _HOLDERS.append(answer)


def club_membership_holders(member_ids: Iterable[int]) -> set[int]:
    """The members among ``member_ids`` whose club membership (earned or paid) entitles now."""
    ids = list(member_ids)
    if not ids or not _HOLDERS:
        return set()
    return _HOLDERS[0](ids)
