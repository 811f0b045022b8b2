"""Answering a satisfaction survey (docs/care.md): one response per member and survey."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Dimension, Survey, SurveyResponse
from ..models.surveys import NPS_MAX, NPS_MIN, SCALE_MAX, SCALE_MIN, importance_field, satisfaction_field

COMMENT_MAX = 2000


class SurveyError(ValueError):
    """Refused: ``errors`` maps each field (or ``__all__``) to its message; nothing was written."""

    def __init__(self, errors: dict[str, str], *, already_answered: bool = False):
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors
        self.already_answered = already_answered


def survey_answer_fields() -> list[str]:
    return [name for dimension in Dimension.values
            for name in (satisfaction_field(dimension), importance_field(dimension))]


def _whole(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _already_answered() -> SurveyError:
    return SurveyError({"__all__": _("You have already answered this survey. Thank you!")},
                       already_answered=True)


def survey_respond(
    *, survey_id: int, member_id: int, answers: Mapping[str, object], comment: str = "",
    now: dt.datetime | None = None,
) -> SurveyResponse:
    """``answers`` holds ``<dimension>_satisfaction`` and ``<dimension>_importance`` (1-5) for the
    five dimensions and ``nps`` (0-10)."""
    now = now or timezone.now()
    comment = (comment or "").strip()
    errors: dict[str, str] = {}
    values: dict[str, int] = {}
    for name in survey_answer_fields():
        value = _whole(answers.get(name))
        if value is None or not SCALE_MIN <= value <= SCALE_MAX:
            errors[name] = _("Choose a value from %(low)s to %(high)s.") % {
                "low": SCALE_MIN, "high": SCALE_MAX}
        else:
            values[name] = value
    nps = _whole(answers.get("nps"))
    if nps is None or not NPS_MIN <= nps <= NPS_MAX:
        errors["nps"] = _("Choose a value from %(low)s to %(high)s.") % {"low": NPS_MIN, "high": NPS_MAX}
    if len(comment) > COMMENT_MAX:
        errors["comment"] = _("Keep it under %(max)s characters.") % {"max": COMMENT_MAX}
    if not Survey.objects.filter(pk=survey_id, live=True).exists():
        errors = {"__all__": _("This survey is closed.")}
    elif SurveyResponse.objects.filter(survey_id=survey_id, member_id=member_id).exists():
        raise _already_answered()
    if errors:
        raise SurveyError(errors)
    try:
        with transaction.atomic():
            return SurveyResponse.objects.create(
                survey_id=survey_id, member_id=member_id, nps=nps, comment=comment, answered_at=now, **values,
            )
    except IntegrityError:  # the same member's second submit, a moment after the first
        raise _already_answered() from None
