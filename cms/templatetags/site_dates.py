"""``{{ value|formatted_date:"DATE_FORMAT" }}``: Django's ``date`` filter, its answers kept.

Django formats a date by walking the format string and asking the catalogue for each month and
day name: 30–50 µs a date, and the dashboard shows about eight (events, expiries, validity). The
text depends only on the active language, the format and the value (a datetime in the zone it
is shown in, which the filter, like ``date``, receives already converted), and the same values
come back page after page (an event's start, today's expiry dates), so the answers are kept in
a bounded per-process cache. Forgotten when a setting or a catalogue file changes (tests, the
development server)."""

from __future__ import annotations

import datetime as dt
import functools

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.defaultfilters import date as django_date
from django.utils.autoreload import file_changed
from django.utils.translation import get_language

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def formatted_date(value, arg=None):
    if not isinstance(value, dt.date):  # None, "" and strings: Django's answer ("")
        return django_date(value, arg)
    # An aware datetime compares (and hashes) by its instant: its zone goes in the key too.
    zone = (value.tzinfo, value.utcoffset()) if isinstance(value, dt.datetime) else None
    return _formatted(get_language(), arg, type(value), value, zone)


@functools.lru_cache(maxsize=4096)
def _formatted(language, arg, kind, value, zone) -> str:
    return django_date(value, arg)


def formatted_dates_forget() -> None:
    _formatted.cache_clear()


@receiver(file_changed, dispatch_uid="site_dates_catalogue_changed")
def _catalogue_changed(sender, file_path, **kwargs):
    if file_path.suffix == ".mo":
        formatted_dates_forget()


@receiver(setting_changed, dispatch_uid="site_dates_setting_changed")
def _setting_changed(setting, **kwargs):
    formatted_dates_forget()
