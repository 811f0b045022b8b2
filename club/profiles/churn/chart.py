"""The churn-risk distribution as server-rendered SVG (no script, no CDN), drawn the way
``club/care/matrix_chart.py`` draws the satisfaction matrix: a bar per risk band with its
count, and a bar per segment split into the bands' shares."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .bands import BAND_COLOURS, RiskBand
from .selectors import ChurnDistribution

WIDTH = 640
BAND_HEIGHT = 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 24, 48
ROW_HEIGHT, LABEL_WIDTH = 28, 170


def _text(x: float, y: float, text: str, **attributes) -> str:
    extra = "".join(f' {name.replace("_", "-")}="{escape(value)}"' for name, value in attributes.items())
    return f'<text x="{x}" y="{y}"{extra}>{escape(text)}</text>'


def _svg_open(height: int, title: str, title_id: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
            f'aria-labelledby="{title_id}" class="churn-chart" style="max-width:100%;height:auto" '
            f'font-family="sans-serif" font-size="12"><title id="{title_id}">{escape(title)}</title>')


def bands_svg(distribution: ChurnDistribution) -> SafeString:
    """A vertical bar per band, its height the number of members, the count above it."""
    bands = distribution.bands
    tallest = max((band.members for band in bands), default=0) or 1
    x0, x1, y0, y1 = LEFT, WIDTH - RIGHT, TOP, BAND_HEIGHT - BOTTOM
    slot = (x1 - x0) / max(len(bands), 1)
    parts = [_svg_open(BAND_HEIGHT, _("Members per churn-risk band"), "churn-bands-title"),
             f'<line x1="{x0}" y1="{y1}" x2="{x1}" y2="{y1}" stroke="#666"/>']
    for index, band in enumerate(bands):
        height = round((y1 - y0 - 16) * band.members / tallest, 1)
        x = round(x0 + index * slot + slot * 0.15, 1)
        width = round(slot * 0.7, 1)
        centre = round(x + width / 2, 1)
        parts.append(
            f'<g data-band="{escape(band.band)}" data-members="{band.members}">'
            f'<title>{escape(band.label)}: {band.members}</title>'
            f'<rect x="{x}" y="{round(y1 - height, 1)}" width="{width}" height="{height}" '
            f'fill="{BAND_COLOURS[band.band]}"/>'
            + _text(centre, round(y1 - height - 4, 1), f"{band.members:,} ({band.share:.0%})",
                    text_anchor="middle")
            + _text(centre, y1 + 18, band.label, text_anchor="middle")
            + "</g>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)


def segments_svg(distribution: ChurnDistribution) -> SafeString:
    """A horizontal bar per segment, 100% wide, split into the shares of its scored members in
    each band (low on the left)."""
    rows = [row for row in distribution.segments if row.scored]
    height = TOP + ROW_HEIGHT * max(len(rows), 1) + 8
    x0, x1 = LABEL_WIDTH, WIDTH - RIGHT
    parts = [_svg_open(height, _("Churn-risk bands per segment"), "churn-segments-title")]
    bands = [str(band) for band in RiskBand]
    for number, row in enumerate(rows):
        y = TOP + number * ROW_HEIGHT
        parts.append(f'<g data-segment="{escape(row.segment)}">')
        parts.append(_text(x0 - 8, y + 16, row.label or _("No segment"), text_anchor="end"))
        x = float(x0)
        for band, count in zip(bands, row.counts, strict=True):
            width = round((x1 - x0) * count / row.scored, 1)
            if width:
                parts.append(f'<rect x="{round(x, 1)}" y="{y + 2}" width="{width}" height="{ROW_HEIGHT - 6}" '
                             f'fill="{BAND_COLOURS[band]}" data-band="{band}" data-members="{count}">'
                             f'<title>{escape(str(RiskBand(band).label))}: {count}</title></rect>')
            x += width
        parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)
