"""Reads of club.care's complaints and surveys: a member's own complaints, the overdue ones, the
surveys a member may answer, and the importance x satisfaction matrix (docs/care.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import PENDING_STATUSES, Complaint, ComplaintUpdate, Dimension, Survey, SurveyResponse
from .models.surveys import SCALE_MAX, SCALE_MIN, importance_field, satisfaction_field

# --- complaints -------------------------------------------------------------------------------


def overdue_condition(*, now: dt.datetime) -> Q:
    """Pending and past a deadline: no first response by its due time, or not resolved by its."""
    return Q(status__in=PENDING_STATUSES) & (
        Q(first_responded_at__isnull=True, first_response_due__lt=now) | Q(resolution_due__lt=now)
    )


def complaints_overdue(*, now: dt.datetime | None = None) -> QuerySet[Complaint]:
    return (Complaint.objects.filter(overdue_condition(now=now or timezone.now()))
            .order_by("resolution_due", "pk"))


def complaint_is_overdue(*, complaint_id: int, now: dt.datetime) -> bool:
    return Complaint.objects.filter(overdue_condition(now=now), pk=complaint_id).exists()


def member_complaints(*, member_id: int) -> QuerySet[Complaint]:
    return Complaint.objects.filter(member_id=member_id).order_by("-created_at", "-pk")


def access_complaint_for_member(*, complaint_id: int, member_id: int) -> Complaint | None:
    """The only way the portal loads a complaint: ``None`` unless it is the member's own."""
    return Complaint.objects.filter(pk=complaint_id, member_id=member_id).first()


def complaint_timeline(*, complaint_id: int) -> list[ComplaintUpdate]:
    return list(ComplaintUpdate.objects.filter(complaint_id=complaint_id).select_related("staff_user")
                .order_by("at", "pk"))


# --- surveys ----------------------------------------------------------------------------------


def live_survey(*, survey_id: int) -> Survey | None:
    return Survey.objects.filter(pk=survey_id, live=True).first()


def member_has_answered(*, survey_id: int, member_id: int) -> bool:
    return SurveyResponse.objects.filter(survey_id=survey_id, member_id=member_id).exists()


def surveys_open_for_member(*, member_id: int) -> list[Survey]:
    answered = SurveyResponse.objects.filter(member_id=member_id).values("survey_id")
    return list(Survey.objects.filter(live=True).exclude(pk__in=answered).order_by("-created_at", "-pk"))


# --- the importance x satisfaction matrix -----------------------------------------------------

MIDPOINT = (SCALE_MIN + SCALE_MAX) / 2  # 3 on a 1-5 scale: DOMAIN.md reads "high" and "low" against it


@dataclass(frozen=True)
class Quadrant:
    key: str
    title: Promise
    reading: Promise


QUADRANTS = {
    "keep": Quadrant("keep", _("Keep"), _(
        "High importance, high satisfaction: keep it up. It is what competitors attack.")),
    "fix_first": Quadrant("fix_first", _("Fix first"), _(
        "High importance, low satisfaction: the main cause of churn. Fix it first.")),
    "potential_loss": Quadrant("potential_loss", _("Potential loss"), _(
        "Low importance, low satisfaction: a potential loss zone. Watch it.")),
    "over_served": Quadrant("over_served", _("Lower priority"), _(
        "Low importance, high satisfaction: do not over-invest here.")),
}


def quadrant_of(*, importance: float, satisfaction: float, midpoint: float = MIDPOINT) -> Quadrant:
    """On the midpoint counts as high (a 3 out of 5 is not a low mark)."""
    high_importance, high_satisfaction = importance >= midpoint, satisfaction >= midpoint
    if high_importance:
        return QUADRANTS["keep" if high_satisfaction else "fix_first"]
    return QUADRANTS["over_served" if high_satisfaction else "potential_loss"]


@dataclass(frozen=True)
class DimensionPoint:
    dimension: str
    label: Promise
    importance: float
    satisfaction: float
    quadrant: Quadrant


@dataclass(frozen=True)
class SatisfactionMatrix:
    responses: int
    points: list[DimensionPoint]
    promoters: int
    passives: int
    detractors: int

    @property
    def nps(self) -> int | None:
        """Promoters (9-10) minus detractors (0-6), in percent of the responses, rounded."""
        if not self.responses:
            return None
        return round(100 * (self.promoters - self.detractors) / self.responses)


def satisfaction_matrix(
    *, survey_id: int | None = None, answered_from: dt.date | None = None, answered_to: dt.date | None = None,
) -> SatisfactionMatrix:
    """Mean importance and satisfaction per dimension and the NPS counts, in one aggregate query."""
    responses = SurveyResponse.objects.all()
    if survey_id is not None:
        responses = responses.filter(survey_id=survey_id)
    if answered_from is not None:
        responses = responses.filter(answered_at__date__gte=answered_from)
    if answered_to is not None:
        responses = responses.filter(answered_at__date__lte=answered_to)
    aggregates = {"responses": Count("pk"),
                  "promoters": Count("pk", filter=Q(nps__gte=9)),
                  "detractors": Count("pk", filter=Q(nps__lte=6))}
    for dimension in Dimension.values:
        aggregates[f"{dimension}_i"] = Avg(importance_field(dimension))
        aggregates[f"{dimension}_s"] = Avg(satisfaction_field(dimension))
    row = responses.aggregate(**aggregates)
    points = []
    if row["responses"]:
        for dimension in Dimension:
            importance, satisfaction = float(row[f"{dimension}_i"]), float(row[f"{dimension}_s"])
            points.append(DimensionPoint(
                dimension=dimension.value, label=dimension.label, importance=importance,
                satisfaction=satisfaction,
                quadrant=quadrant_of(importance=importance, satisfaction=satisfaction),
            ))
    promoters, detractors = row["promoters"], row["detractors"]
    return SatisfactionMatrix(responses=row["responses"], points=points, promoters=promoters,
                              detractors=detractors, passives=row["responses"] - promoters - detractors)
