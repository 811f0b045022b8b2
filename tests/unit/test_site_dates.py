"""cms.templatetags.site_dates: ``|formatted_date`` answers exactly as Django's ``|date``, in
every language, for dates and for datetimes shown in different zones."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.template import engines
from django.utils import timezone, translation

from cms.templatetags import site_dates

LANGUAGES = ["en", "vi", "zh-hans", "ru"]
FORMATS = ["DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT", "j M Y, H:i T"]
INSTANT = dt.datetime(2026, 12, 31, 20, 30, tzinfo=dt.UTC)  # already the 1st of January in Hanoi
VALUES = [dt.date(2026, 3, 8), INSTANT, dt.datetime(2026, 5, 1, 9, 15)]


def _render(source: str, value) -> str:
    return engines["django"].from_string(source).render({"value": value})


@pytest.fixture(autouse=True)
def _forget():
    site_dates.formatted_dates_forget()
    yield
    site_dates.formatted_dates_forget()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("fmt", FORMATS)
def test_the_same_text_as_djangos_date_filter(language, fmt):
    with translation.override(language):
        for value in VALUES:
            if type(value) is dt.date and fmt not in ("DATE_FORMAT", "SHORT_DATE_FORMAT"):
                continue  # a time format for a date: Django refuses it (TypeError), so does the filter
            for _twice in range(2):  # the second answer comes from the cache
                kept = _render(f'{{% load site_dates %}}{{{{ value|formatted_date:"{fmt}" }}}}', value)
                assert kept == _render(f'{{{{ value|date:"{fmt}" }}}}', value)


def test_one_instant_in_two_zones_is_two_texts():
    texts = []
    for zone in ("Asia/Ho_Chi_Minh", "Europe/Moscow"):
        with timezone.override(zoneinfo.ZoneInfo(zone)):
            texts.append(_render('{% load site_dates %}{{ value|formatted_date:"j M Y, H:i" }}', INSTANT))
    assert texts == ["1 Jan 2027, 03:30", "31 Dec 2026, 23:30"]


def test_one_value_in_two_languages_is_two_texts():
    with translation.override("en"):
        english = _render('{% load site_dates %}{{ value|formatted_date:"F" }}', dt.date(2026, 3, 8))
    with translation.override("ru"):
        russian = _render('{% load site_dates %}{{ value|formatted_date:"F" }}', dt.date(2026, 3, 8))
    assert (english, russian) == ("March", "Март")


@pytest.mark.parametrize("value", [None, "", "not a date"])
def test_what_is_not_a_date_renders_as_djangos_filter_renders_it(value):
    assert _render('{% load site_dates %}{{ value|formatted_date:"DATE_FORMAT" }}', value) == _render(
        '{{ value|date:"DATE_FORMAT" }}', value)
