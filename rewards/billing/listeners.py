"""Who hears that billing events were applied: a registry for higher layers.

``club.profiles`` refreshes a member's profile when their events arrive, but billing is a
lower layer and may not import it. A higher app registers a listener here (in its
``AppConfig.ready``); after a batch's transaction commits, each listener is called once with
the ids of the members whose new events the batch stored (applied, reversing or reversed).
A batch that rolls back calls nobody. Listeners should only record or queue work (a row per
member, a task), never do it inline: they run in the ingesting request or command. A listener
that raises is logged and the others still run: the batch has committed either way.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from functools import partial, update_wrapper

from django.db import transaction

_LISTENERS: list[Callable[[list[int]], object]] = []


def billing_applied_listener_register(listener: Callable[[list[int]], object]) -> None:
    """Register ``listener(member_ids)``, called after commit (once per function)."""
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)


def billing_applied_notify(*, member_ids: Collection[int]) -> None:
    """Inside the batch's transaction: call every listener with ``member_ids`` once it commits."""
    if not member_ids:
        return
    ids = sorted(member_ids)
    for listener in _LISTENERS:
        # robust: the batch stands regardless. Django names the callback when it logs a failure
        # (``__qualname__``), which a bare partial lacks: it is given the listener's name.
        transaction.on_commit(update_wrapper(partial(listener, ids), listener), robust=True)
