"""The live count's guards: a time limit (PostgreSQL) that ends with its block, a message when
the count is too slow, and the cache that spares an unchanged form a second count."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError, connection, transaction
from django.test import RequestFactory

from campaigns.audiences import preview
from tests.factories import MemberFactory, StaffUserFactory

from .helpers import audience, condition

pytestmark = pytest.mark.django_db


def setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


@pytest.mark.postgres
def test_a_slow_statement_is_cancelled_and_the_settings_end_with_the_block():
    with transaction.atomic():
        before = (setting("statement_timeout"), setting("jit"))
        with pytest.raises(OperationalError):
            with preview.live_query_settings(time_limit_seconds=0.05):
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_sleep(1)")
        with preview.live_query_settings(time_limit_seconds=7):
            assert (setting("statement_timeout"), setting("jit")) == ("7s", "off")
        assert (setting("statement_timeout"), setting("jit")) == before


def render(target) -> str:
    request = RequestFactory().get("/")
    request.user = StaffUserFactory()
    response = preview.audience_preview_response(audience=target, request=request, mode="")
    return response.render().content.decode()


def test_a_count_too_slow_for_the_panel_says_so_and_is_not_cached():
    MemberFactory()
    slow = OperationalError("canceling statement due to statement timeout")
    with mock.patch.object(preview, "audience_figures", side_effect=slow) as figures:
        html = render(audience(condition("birthday", days=3)))
        render(audience(condition("birthday", days=3)))

    assert "data-audience-too-slow" in html and "longer than 20 seconds" in html
    assert figures.call_count == 2


def test_an_unchanged_form_is_counted_once():
    MemberFactory(segment="vip")
    with mock.patch.object(preview, "audience_figures", wraps=preview.audience_figures) as figures:
        first = render(audience(condition("segment", segments=["vip"]), name="A"))
        second = render(audience(condition("segment", segments=["vip"]), name="B"))
        third = render(audience(condition("segment", segments=["devicers"]), name="B"))

    assert figures.call_count == 2
    assert 'data-audience-count="1"' in first and 'data-audience-count="1"' in second
    assert 'data-audience-count="0"' in third
