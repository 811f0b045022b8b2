"""Array literals for ``= ANY(%s::bigint[])`` / ``%s::text[]`` parameters: built as text, no database."""

from __future__ import annotations

import pytest

from rewards.sql import int_array, text_array


def test_an_int_array_is_a_comma_separated_literal():
    assert int_array([3, 1, 20]) == "{3,1,20}"
    assert int_array([]) == "{}"


@pytest.mark.parametrize(
    ("values", "literal"),
    [
        pytest.param(["ev-1", "+84901234567"], '{"ev-1","+84901234567"}', id="plain"),
        pytest.param(['say "hi"', "back\\slash"], '{"say \\"hi\\"","back\\\\slash"}',
                     id="quote-and-backslash"),
        pytest.param(["a,b", "{}", "NULL", ""], '{"a,b","{}","NULL",""}', id="array-syntax-stays-text"),
        pytest.param([], "{}", id="empty"),
    ],
)
def test_a_text_array_quotes_every_element(values, literal):
    assert text_array(values) == literal
