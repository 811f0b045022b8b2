"""The profiles pipeline: the steps run in order for every chunk of member ids.

Nightly, ``profiles_refresh_all`` walks all members in keyset chunks and runs every step on
each chunk; the incremental task runs them on the members whose billing events just arrived.
A step is a function ``step(*, member_ids: Sequence[int], on: date) -> object`` named here by
its dotted path (resolved when first run, so this module imports nothing of the steps).
Each line of issue 7 adds its own step, one line each, in this order:
profile refresh -> segment classification -> churn scoring.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import cache

from django.utils.module_loading import import_string

PIPELINE_STEPS: list[str] = [
    "club.profiles.services.refresh.profiles_refresh_step",
    "club.profiles.segments.services.segments_classify",
    "club.profiles.churn.services.churn_scores_step",
]


@cache
def _step(dotted_path: str) -> Callable[..., object]:
    return import_string(dotted_path)


def pipeline_steps() -> list[Callable[..., object]]:
    return [_step(path) for path in PIPELINE_STEPS]


def pipeline_run(*, member_ids: Sequence[int], on: date) -> None:
    """Run every step, in order, on these members (one chunk)."""
    for step in pipeline_steps():
        step(member_ids=member_ids, on=on)
