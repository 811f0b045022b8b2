"""cms.templatetags.i18n_kept: ``{% load i18n %}`` loads it, and its ``translate`` tag renders
exactly what Django's does, in every language, while keeping constant messages once translated."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.template import Context, Engine, engines
from django.test import override_settings
from django.utils import translation
from django.utils.autoreload import file_changed

from cms.templatetags import i18n_kept

SOURCES = [
    '{% translate "My club" %}',
    '{% trans "Log out" %}',
    '{% translate "Log out" as label %}[{{ label }}]',
    '{% translate "My club"|upper %}',
    '{% translate message %}',
    '{% translate "May" context "month name" %}',
    '{% translate "My club" noop %}',
    '{% autoescape off %}{% translate "My club" %}{% endautoescape %}',
    '{% translate "100%% yours" %}',
    '{% blocktranslate count n=3 %}{{ n }} point{% plural %}{{ n }} points{% endblocktranslate %}',
    '{% get_current_language as code %}{{ code }}',
    # The language is asked once per template: a language block asks again, and after it the
    # outer language holds again.
    '{% translate "My club" %}|{% language "vi" %}{% translate "My club" %}|{% language "ru" %}'
    '{% translate "Log out" %}{% endlanguage %}|{% translate "Log out" %}{% endlanguage %}|'
    '{% translate "My club" %}',
]


def _site_template(source: str):
    return engines["django"].from_string("{% load i18n %}" + source)


def _django_template(source: str):
    # An engine with Django's own library under the name i18n.
    return Engine(libraries={"i18n": "django.templatetags.i18n"}).from_string("{% load i18n %}" + source)


@pytest.fixture(autouse=True)
def _nothing_kept():
    i18n_kept.kept_translations_forget()
    yield
    i18n_kept.kept_translations_forget()


def test_the_sites_i18n_library_is_the_kept_one():
    library = engines["django"].engine.template_libraries["i18n"]
    assert library is i18n_kept.register
    node = _site_template('{% translate "x" %}').template.nodelist[-1]
    assert isinstance(node, i18n_kept.KeptTranslateNode)


@pytest.mark.parametrize("language", ["en", "vi", "zh-hans", "ru"])
@pytest.mark.parametrize("source", SOURCES)
def test_renders_what_djangos_tag_renders(language, source):
    context = {"message": "Log out"}
    with translation.override(language):
        expected = _django_template(source).render(Context(context))
        first = _site_template(source).render(context)
        again = _site_template(source).render(context)
    assert first == expected
    assert again == expected


def test_one_template_follows_the_active_language():
    template = _site_template('{% translate "My club" %}')
    with translation.override("vi"):
        vietnamese = template.render({})
    with translation.override("en"):
        english = template.render({})
    with translation.override("ru"):
        russian = template.render({})
    assert english == "My club"
    assert len({english, vietnamese, russian}) == 3


def test_constant_messages_are_kept_and_variables_are_not():
    with translation.override("vi"):
        _site_template('{% translate "My club" %}{% translate message %}').render({"message": "Log out"})
    assert [key[2] for key in i18n_kept._KEPT] == ["My club"]


def test_a_changed_catalogue_or_catalogue_setting_forgets_what_is_kept():
    template = _site_template('{% translate "My club" %}')
    with translation.override("vi"):
        template.render({})
    assert i18n_kept._KEPT
    file_changed.send(sender=None, file_path=Path("locale/vi/LC_MESSAGES/django.py"))
    assert i18n_kept._KEPT, "only a catalogue (.mo) change forgets"
    file_changed.send(sender=None, file_path=Path("locale/vi/LC_MESSAGES/django.mo"))
    assert not i18n_kept._KEPT
    with translation.override("vi"):
        template.render({})
    with override_settings(LOCALE_PATHS=[]):
        assert not i18n_kept._KEPT
        with translation.override("vi"):
            # with no project catalogue, the message is Django's and allauth's or none: English
            assert template.render({}) == "My club"
    assert not i18n_kept._KEPT


def test_no_other_template_library_name_is_used_twice():
    """Django's check of library names used twice (templates.W003) is silenced for our i18n: this
    is the same check for every other name."""
    from collections import defaultdict

    from django.conf import settings
    from django.template.backends.django import get_template_tag_modules

    modules: dict[str, set[str]] = defaultdict(set)
    for name, module in get_template_tag_modules():
        modules[name].add(module)
    for template_settings in settings.TEMPLATES:
        for name, module in template_settings.get("OPTIONS", {}).get("libraries", {}).items():
            modules[name].add(module)
    clashes = {name: found for name, found in modules.items() if len(found) > 1}
    assert clashes == {"i18n": {"django.templatetags.i18n", "cms.templatetags.i18n_kept"}}
