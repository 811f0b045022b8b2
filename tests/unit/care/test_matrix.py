"""The matrix's pure parts: DOMAIN.md's reading of each quadrant, the NPS arithmetic and where
the SVG puts a dimension."""

from __future__ import annotations

import pytest

from club.care.matrix_chart import BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH, matrix_svg, plotted
from club.care.selectors_feedback import DimensionPoint, SatisfactionMatrix, quadrant_of


@pytest.mark.parametrize(("importance", "satisfaction", "quadrant"), [
    (4.5, 4.0, "keep"), (4.5, 2.0, "fix_first"), (2.0, 2.0, "potential_loss"), (1.5, 4.5, "over_served"),
    (3.0, 3.0, "keep"), (3.0, 2.99, "fix_first"), (2.99, 3.0, "over_served"),
], ids=["keep", "fix-first", "potential-loss", "over-served", "midpoint-is-high", "just-low-s", "just-low-i"])
def test_each_quadrant_has_domains_reading(importance, satisfaction, quadrant):
    assert quadrant_of(importance=importance, satisfaction=satisfaction).key == quadrant


def test_fix_first_is_read_as_the_main_cause_of_churn():
    assert "main cause of churn" in str(quadrant_of(importance=5, satisfaction=1).reading)


@pytest.mark.parametrize(("promoters", "detractors", "responses", "nps"), [
    (2, 1, 4, 25), (0, 3, 3, -100), (1, 0, 3, 33), (0, 0, 0, None),
])
def test_nps_is_promoters_minus_detractors_in_percent(promoters, detractors, responses, nps):
    matrix = SatisfactionMatrix(responses=responses, points=[], promoters=promoters, detractors=detractors,
                                passives=responses - promoters - detractors)
    assert matrix.nps == nps


def point(importance, satisfaction, dimension="product"):
    return DimensionPoint(dimension=dimension, label="Product <quality>", importance=importance,
                          satisfaction=satisfaction,
                          quadrant=quadrant_of(importance=importance, satisfaction=satisfaction))


def test_the_corners_of_the_scale_are_the_corners_of_the_plot():
    low, high = plotted([point(1, 1), point(5, 5)])
    assert (low.x, low.y) == (LEFT, HEIGHT - BOTTOM)
    assert (high.x, high.y) == (WIDTH - RIGHT, TOP)


def test_the_svg_escapes_labels_and_marks_each_dot_with_its_quadrant():
    svg = matrix_svg([point(4.5, 2.0)])
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "Product &lt;quality&gt;" in svg and "<quality>" not in svg
    assert 'data-dimension="product" data-quadrant="fix_first"' in svg
