"""Reads of churn risk: the active model, one member's risk explained, and the distribution of
members over the risk bands (overall and per segment) for the admin's chart."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, Value, When

from club.members.models import Member, MemberStatus, Segment

from ..models import ChurnModel, MemberProfile
from .bands import BAND_FLOORS, RiskBand, band_of
from .texts import effect_text, factor_text

NOT_SCORED = "not_scored"


def active_churn_model() -> ChurnModel | None:
    return ChurnModel.objects.filter(active=True).first()


def churn_models_recent(*, limit: int = 10) -> list[ChurnModel]:
    """The latest fitted models, newest first, without their coefficients."""
    return list(ChurnModel.objects.order_by("-version").only(
        "version", "fitted_at", "source", "auc", "training_rows", "test_rows", "active")[:limit])


@dataclass(frozen=True)
class FactorLine:
    code: str
    text: str
    effect: str
    weight: float

    @property
    def raises(self) -> bool:
        return self.weight > 0


@dataclass(frozen=True)
class MemberRisk:
    """What the admin shows of one member's churn risk. ``score`` is None when the member is
    not scored: no consent to profiling, a line that has left, or not scored yet."""

    score: float | None
    band: RiskBand | None
    scored_at: dt.datetime | None
    factors: tuple[FactorLine, ...]
    consents: bool
    has_left: bool
    has_profile: bool

    @property
    def percent(self) -> int | None:
        return None if self.score is None else round(self.score * 100)


def member_churn_risk(*, member: Member) -> MemberRisk:
    """One query: the member's profile row (the member is already loaded)."""
    profile = (MemberProfile.objects.filter(member_id=member.pk)
               .values("churn_score", "churn_factors", "churn_scored_at").first())
    score = profile["churn_score"] if profile else None
    stored = profile["churn_factors"] if profile and score is not None else []
    return MemberRisk(
        score=score, band=band_of(score), scored_at=profile["churn_scored_at"] if profile else None,
        factors=tuple(
            FactorLine(code=item["code"], text=factor_text(item["code"], item.get("value")),
                       effect=effect_text(item["weight"]), weight=item["weight"])
            for item in stored if isinstance(item, dict) and "code" in item and "weight" in item
        ),
        consents=member.consent_profiling, has_left=member.status == MemberStatus.CHURNED,
        has_profile=profile is not None,
    )


def _band_expression() -> Case:
    floors = sorted(BAND_FLOORS.items(), key=lambda item: -item[1])
    return Case(*(When(profile__churn_score__gte=floor, consent_profiling=True, then=Value(str(band)))
                  for band, floor in floors),
                default=Value(NOT_SCORED), output_field=CharField())


@dataclass(frozen=True)
class BandCount:
    band: str
    label: str
    members: int
    share: float  # of the scored members


@dataclass(frozen=True)
class SegmentRow:
    segment: str
    label: str
    counts: tuple[int, ...]  # per band, in the order of RiskBand
    not_scored: int

    @property
    def scored(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class ChurnDistribution:
    bands: tuple[BandCount, ...]
    segments: tuple[SegmentRow, ...]
    scored: int
    not_scored: int


def churn_distribution() -> ChurnDistribution:
    """Members whose line has not left, by risk band and segment: one grouped query (the
    profile's score joined to each member, at most one row each)."""
    rows = (Member.objects.exclude(status=MemberStatus.CHURNED).annotate(band=_band_expression())
            .values("segment", "band").annotate(n=Count("pk")).order_by())
    cells: dict[tuple[str, str], int] = {}
    for row in rows:
        cells[(row["segment"], row["band"])] = row["n"]
    bands = [str(band) for band in RiskBand]
    by_band = {band: sum(n for (_segment, cell), n in cells.items() if cell == band) for band in bands}
    scored = sum(by_band.values())
    labels = dict(Segment.choices)
    segments = sorted({segment for segment, _band in cells}, key=lambda segment: (segment == "", segment))
    return ChurnDistribution(
        bands=tuple(BandCount(band=band, label=str(RiskBand(band).label), members=by_band[band],
                              share=by_band[band] / scored if scored else 0.0) for band in bands),
        segments=tuple(
            SegmentRow(segment=segment, label=str(labels.get(segment, segment)),
                       counts=tuple(cells.get((segment, band), 0) for band in bands),
                       not_scored=cells.get((segment, NOT_SCORED), 0))
            for segment in segments
        ),
        scored=scored, not_scored=sum(n for (_segment, band), n in cells.items() if band == NOT_SCORED),
    )

