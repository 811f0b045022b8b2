"""The importance x satisfaction matrix as a server-rendered SVG (no script, no CDN).

Satisfaction runs along x, importance up y, both on the 1-5 scale; the quadrant lines cross at
the scale's midpoint (DOMAIN.md reads "high" and "low" importance and satisfaction, which the
midpoint of the answers' own scale says without depending on this sample's means). Each
quadrant carries its reading; each dimension is a numbered dot with its label.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .models.surveys import SCALE_MAX, SCALE_MIN
from .selectors_feedback import MIDPOINT, QUADRANTS, DimensionPoint

WIDTH, HEIGHT = 640, 520
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 24, 56


@dataclass(frozen=True)
class Plotted:
    number: int
    point: DimensionPoint
    x: float
    y: float


def _x(satisfaction: float) -> float:
    return LEFT + (satisfaction - SCALE_MIN) / (SCALE_MAX - SCALE_MIN) * (WIDTH - LEFT - RIGHT)


def _y(importance: float) -> float:
    return HEIGHT - BOTTOM - (importance - SCALE_MIN) / (SCALE_MAX - SCALE_MIN) * (HEIGHT - TOP - BOTTOM)


def plotted(points: Sequence[DimensionPoint]) -> list[Plotted]:
    return [Plotted(number=n, point=p, x=round(_x(p.satisfaction), 1), y=round(_y(p.importance), 1))
            for n, p in enumerate(points, start=1)]


def _text(x: float, y: float, text: str, **attributes) -> str:
    extra = "".join(f' {name.replace("_", "-")}="{escape(value)}"' for name, value in attributes.items())
    return f'<text x="{x}" y="{y}"{extra}>{escape(text)}</text>'


def matrix_svg(points: Sequence[DimensionPoint]) -> SafeString:
    mid_x, mid_y = round(_x(MIDPOINT), 1), round(_y(MIDPOINT), 1)
    x0, x1, y0, y1 = LEFT, WIDTH - RIGHT, TOP, HEIGHT - BOTTOM
    title = _("Importance and satisfaction of each dimension")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="matrix-title" class="care-matrix" style="max-width:100%;height:auto" '
        f'font-family="sans-serif" font-size="12">',
        f'<title id="matrix-title">{escape(title)}</title>',
        f'<rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" fill="#fff" stroke="#666"/>',
        # fix first (top left) and keep (top right) tinted, so the eye goes there first
        f'<rect x="{x0}" y="{y0}" width="{mid_x - x0}" height="{mid_y - y0}" fill="#fde2e1"/>',
        f'<rect x="{mid_x}" y="{y0}" width="{x1 - mid_x}" height="{mid_y - y0}" fill="#e3f4e1"/>',
        f'<line x1="{mid_x}" y1="{y0}" x2="{mid_x}" y2="{y1}" stroke="#666" stroke-dasharray="4 3"/>',
        f'<line x1="{x0}" y1="{mid_y}" x2="{x1}" y2="{mid_y}" stroke="#666" stroke-dasharray="4 3"/>',
    ]
    corners = {
        "fix_first": (x0 + 8, y0 + 18, "start"), "keep": (x1 - 8, y0 + 18, "end"),
        "potential_loss": (x0 + 8, y1 - 10, "start"), "over_served": (x1 - 8, y1 - 10, "end"),
    }
    for key, (x, y, anchor) in corners.items():
        parts.append(_text(x, y, str(QUADRANTS[key].title), text_anchor=anchor, font_weight="bold",
                           data_quadrant=key))
    for value in range(SCALE_MIN, SCALE_MAX + 1):
        parts.append(_text(round(_x(value), 1), y1 + 18, str(value), text_anchor="middle"))
        parts.append(_text(x0 - 10, round(_y(value), 1) + 4, str(value), text_anchor="end"))
    parts.append(_text((x0 + x1) / 2, HEIGHT - 12, _("Satisfaction (mean, 1-5)"), text_anchor="middle"))
    importance = escape(_("Importance (mean, 1-5)"))  # out of the f-string: makemessages reads it
    parts.append(f'<text transform="translate(16 {(y0 + y1) / 2}) rotate(-90)" text-anchor="middle">'
                 f'{importance}</text>')
    for item in plotted(points):
        label = f"{item.number}. {item.point.label}"
        parts.append(
            f'<g data-dimension="{escape(item.point.dimension)}" data-quadrant="{item.point.quadrant.key}">'
            f'<title>{escape(label)}: {item.point.importance:.2f} / {item.point.satisfaction:.2f}</title>'
            f'<circle cx="{item.x}" cy="{item.y}" r="7" fill="#1d4ed8"/>'
            + _text(item.x, item.y + 4, str(item.number), text_anchor="middle", fill="#fff", font_size="10")
            + (_text(item.x - 11, item.y + 4, str(item.point.label), text_anchor="end") if item.x > mid_x
               else _text(item.x + 11, item.y + 4, str(item.point.label)))
            + "</g>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)
