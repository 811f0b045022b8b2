"""Risk bands: the score (a probability of leaving) read in four words, for the admin's chart,
the member's explanation and the audiences' condition."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskBand(models.TextChoices):
    LOW = "low", _("Low risk")
    MEDIUM = "medium", _("Medium risk")
    HIGH = "high", _("High risk")
    VERY_HIGH = "very_high", _("Very high risk")


# The lowest score of each band, in order; a band runs up to the next one's floor.
BAND_FLOORS: dict[str, float] = {
    RiskBand.LOW: 0.0, RiskBand.MEDIUM: 0.2, RiskBand.HIGH: 0.4, RiskBand.VERY_HIGH: 0.6,
}
BAND_COLOURS: dict[str, str] = {
    RiskBand.LOW: "#15803d", RiskBand.MEDIUM: "#ca8a04", RiskBand.HIGH: "#ea580c",
    RiskBand.VERY_HIGH: "#b91c1c",
}


def band_bounds(band: str) -> tuple[float, float | None]:
    """``(low, high)`` of a band: ``low <= score < high``; ``high`` is None for the top band."""
    bands = list(BAND_FLOORS)
    index = bands.index(band)
    high = BAND_FLOORS[bands[index + 1]] if index + 1 < len(bands) else None
    return BAND_FLOORS[band], high


def band_of(score: float | None) -> RiskBand | None:
    if score is None:
        return None
    chosen = RiskBand.LOW
    for band, floor in BAND_FLOORS.items():
        if score >= floor:
            chosen = RiskBand(band)
    return chosen
