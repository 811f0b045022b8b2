"""Churn scoring: ``MemberProfile.churn_score``, ``churn_factors`` and ``churn_scored_at`` from
the active ``ChurnModel``, set-based, a chunk of members at a time.

Per chunk: one read of the members' columns and profile figures (``values_list``), the scores
and factors of the whole chunk with numpy, and on PostgreSQL one ``UPDATE ... FROM
jsonb_to_recordset(...)`` that writes the scored rows and clears the rows the model must not
score (elsewhere ``bulk_update`` and one UPDATE that clears). Only members who consented to profiling from
usage data are scored; a line that has left (status churned) is not scored either. Their
scores, factors and time stamp are null / empty.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Sequence

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from club.members.models import MemberStatus

from ..chunks import id_chunks
from ..models import ChurnModel, MemberProfile
from .factors import top_factors
from .features import PROFILE_FIELDS, inputs_from_member_values, profile_figures
from .model import ModelSpec

logger = logging.getLogger(__name__)

CHUNK_SIZE = 2000
MEMBER_COLUMNS = ("member__activation_date", "member__plan_name", "member__payment_plan",
                  "member__attributes")
SCORED = Q(member__consent_profiling=True) & ~Q(member__status=MemberStatus.CHURNED)


def churn_model_spec(model: ChurnModel) -> ModelSpec:
    return ModelSpec.from_json(features=model.features, scaling=model.scaling,
                               coefficients=model.coefficients, intercept=model.intercept)


def churn_scores_refresh(*, member_ids: Sequence[int] | None = None, on: dt.date | None = None) -> int:
    """Score these members (all members with a profile when ``None``) with the active model, as
    of the day ``on`` (today in the operator's zone by default). Returns how many were scored.
    Without an active model nothing changes (fit one with ``manage.py churn_fit``)."""
    model = ChurnModel.objects.filter(active=True).first()
    if model is None:
        logger.debug("churn scoring skipped: no active churn model (run manage.py churn_fit)")
        return 0
    spec = churn_model_spec(model)
    on = on or timezone.localdate()
    scored = 0
    for chunk in id_chunks(ids=member_ids, every=MemberProfile.objects.all(), field="member_id",
                           size=CHUNK_SIZE):
        scored += _score_chunk(chunk, spec=spec, on=on, now=timezone.now())
    return scored


def churn_scores_step(*, member_ids: Sequence[int], on: dt.date) -> int:
    """The profiles pipeline's churn step (``club.profiles.pipeline``)."""
    return churn_scores_refresh(member_ids=member_ids, on=on)



def _score_chunk(member_ids: list[int], *, spec: ModelSpec, on: dt.date, now: dt.datetime) -> int:
    rows = list(
        MemberProfile.objects.filter(SCORED, member_id__in=member_ids)
        .values_list("member_id", *MEMBER_COLUMNS, *PROFILE_FIELDS)
    )
    width = len(MEMBER_COLUMNS)
    inputs = [
        inputs_from_member_values(
            {"activation_date": row[1], "plan_name": row[2], "payment_plan": row[3], "attributes": row[4]},
            profile=profile_figures(row[1 + width:]), on=on,
        )
        for row in rows
    ]
    scored_ids = [row[0] for row in rows]
    # no consent, a line that has left, or no profile row: cleared where something is set
    cleared_ids = sorted(set(member_ids).difference(scored_ids))
    scores: list[float] = []
    factors: list[list[dict]] = []
    if inputs:
        standardised = spec.standardised(inputs)
        scores = spec.probabilities_from_standardised(standardised).tolist()
        factors = top_factors(inputs, spec.factor_contributions(standardised), spec.factor_codes)
    if connection.vendor == "postgresql":
        _write_postgresql(scored_ids, scores, factors, cleared_ids, now=now)
    else:
        _write_portable(scored_ids, scores, factors, cleared_ids, now=now)
    return len(scored_ids)


def _write_postgresql(member_ids: list[int], scores: list[float], factors: list[list[dict]],
                      cleared_ids: list[int], *, now: dt.datetime) -> None:
    """One statement: the chunk's rows as one JSON document (one parameter, encoded by the C
    encoder), joined to the profiles; a cleared row is written only when it held a score."""
    records = [{"member_id": member_id, "score": score, "factors": member_factors}
               for member_id, score, member_factors in zip(member_ids, scores, factors, strict=True)]
    records += [{"member_id": member_id, "score": None, "factors": []} for member_id in cleared_ids]
    if not records:
        return
    table = MemberProfile._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS p SET churn_score = v.score, churn_factors = v.factors, "
            f"churn_scored_at = CASE WHEN v.score IS NULL THEN NULL ELSE %s::timestamptz END "
            f"FROM jsonb_to_recordset(%s::jsonb) AS v(member_id bigint, score float8, factors jsonb) "
            f"WHERE p.member_id = v.member_id "
            f"AND (v.score IS NOT NULL OR p.churn_score IS NOT NULL OR p.churn_scored_at IS NOT NULL)",
            [now, json.dumps(records)],
        )


def _write_portable(member_ids: list[int], scores: list[float], factors: list[list[dict]],
                    cleared_ids: list[int], *, now: dt.datetime) -> None:
    with transaction.atomic():
        if member_ids:
            profiles = [MemberProfile(member_id=member_id, churn_score=score, churn_factors=member_factors,
                                      churn_scored_at=now)
                        for member_id, score, member_factors in zip(member_ids, scores, factors, strict=True)]
            MemberProfile.objects.bulk_update(profiles, ["churn_score", "churn_factors", "churn_scored_at"],
                                              batch_size=500)
        if cleared_ids:
            (MemberProfile.objects.filter(member_id__in=cleared_ids)
             .filter(Q(churn_score__isnull=False) | Q(churn_scored_at__isnull=False))
             .update(churn_score=None, churn_factors=[], churn_scored_at=None))
