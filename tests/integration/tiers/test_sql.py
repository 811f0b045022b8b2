"""The array literals of ``rewards.sql`` read back as the values they were built from."""

from __future__ import annotations

import pytest
from django.db import connection

from rewards.sql import int_array, text_array

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_literals_round_trip_through_postgresql():
    texts = ["ev-1", 'say "hi"', "back\\slash", "a,b", "{}", "NULL", "", " padded "]
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::text[], %s::bigint[]", [text_array(texts), int_array([5, 2**40])])
        assert cursor.fetchone() == (texts, [5, 2**40])
