"""Chunk ranges of a wave: contiguous, covering every member id, cut at keyset boundaries."""

from __future__ import annotations

import pytest

from campaigns.sends.services.plan import chunk_ranges


@pytest.mark.parametrize(
    ("starts", "last_id", "expected"),
    [
        pytest.param([], 50, [], id="empty-audience-no-chunk"),
        pytest.param([7], 7, [(0, 8)], id="one-member"),
        pytest.param([3, 10, 40], 99, [(0, 10), (10, 40), (40, 100)], id="first-from-zero-last-to-the-top"),
        pytest.param([3, 10], 5, [(0, 10), (10, 11)], id="top-below-a-start-still-covers-it"),
    ],
)
def test_chunk_ranges_are_contiguous_and_cover_every_id(starts, last_id, expected):
    assert chunk_ranges(starts, last_id) == expected


def test_every_id_up_to_the_last_falls_in_exactly_one_range():
    ranges = chunk_ranges([5, 9, 200, 201, 5000], 7000)
    for member_id in range(7001):
        assert sum(low <= member_id < high for low, high in ranges) == 1
