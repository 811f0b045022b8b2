"""``{{ moment|event_moment }}`` and ``{{ moment|event_moment:"deadline" }}``: an event's times as a
reader of the active language writes them. English keeps the forms the event pages were
designed with ("Friday 14 March 2031, 19:30", "14 March 2031, 19:30"); every other language
uses its own DATETIME_FORMAT (config/formats/, else Django's), since a fixed English pattern
reads wrongly in Vietnamese, Chinese or Russian."""

from __future__ import annotations

from django import template
from django.utils.formats import date_format
from django.utils.translation import get_language

register = template.Library()

ENGLISH_FORMS = {"when": "l j F Y, H:i", "deadline": "j F Y, H:i"}


@register.filter(expects_localtime=True)
def event_moment(value, form: str = "when") -> str:
    if not value:
        return ""
    language = (get_language() or "").split("-")[0]
    pattern = ENGLISH_FORMS.get(form, ENGLISH_FORMS["when"]) if language == "en" else "DATETIME_FORMAT"
    return date_format(value, pattern, use_l10n=True)
