"""Django's ``i18n`` template library, with each constant ``{% translate "…" %}`` kept once
translated.

``TEMPLATES`` maps the library name ``i18n`` to this module, so every ``{% load i18n %}`` of
the site (and of Wagtail's and allauth's templates) loads it. Everything is Django's, except
the ``translate`` (``trans``) tag: for a message written as a literal, with no filter and no
context, the translated and escaped text depends only on the active language and on
autoescaping, so it is kept per process under that key and the next page reuses it. Django
builds a lazy string, looks it up through every app's catalogue and escapes it each time: about
15 µs a tag, and a portal page has forty of them. Messages with a variable, a filter or a
context are Django's tag as it is. What is kept is forgotten when a catalogue file changes (the
development server reloads translations without restarting) or when a test changes the
languages or the catalogue paths. docs/i18n.md ("Template tags") has the figures.

The active language is asked once per template rendered (kept in the template's own scope of
``context.render_context``), not once per tag: ``translation.get_language`` goes through an
``asgiref`` local, about 2 µs, and a dashboard has about fifty tags. The ``language`` tag of this
library forgets it while its block renders under another language (and restores it after); an
included template has its own scope, so it asks again.
"""

from __future__ import annotations

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import Library
from django.template.base import render_value_in_context
from django.templatetags import i18n as django_i18n
from django.templatetags.i18n import LanguageNode, TranslateNode
from django.utils import translation
from django.utils.autoreload import file_changed
from django.utils.safestring import SafeData, mark_safe

register = Library()
register.tags.update(django_i18n.register.tags)
register.filters.update(django_i18n.register.filters)

_KEPT: dict[tuple[str | None, bool, str], str] = {}
_LANGUAGE = "i18n_kept.language"  # the render context's key: this template's active language
_CATALOGUE_SETTINGS = frozenset({"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"})


class KeptTranslateNode(TranslateNode):
    def __init__(self, filter_expression, noop, asvar=None, message_context=None):
        super().__init__(filter_expression, noop, asvar, message_context)
        variable = self.filter_expression.var
        self._message = (
            variable.literal
            if not self.filter_expression.filters and message_context is None and not noop
            and getattr(variable, "literal", None) is not None and isinstance(variable.literal, str)
            else None
        )

    def render(self, context):
        if self._message is None:
            return super().render(context)
        key = (_language(context), context.autoescape, self._message)
        value = _KEPT.get(key)
        if value is None:
            value = _KEPT[key] = self._translated(context)
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value

    def _translated(self, context):
        # TranslateNode.render without its "as" branch (a node is shared between threads, so
        # it is not switched off on the node).
        self.filter_expression.var.translate = True
        value = render_value_in_context(self.filter_expression.resolve(context), context)
        is_safe = isinstance(value, SafeData)
        value = value.replace("%%", "%")
        return mark_safe(value) if is_safe else value


def _language(context) -> str | None:
    render_context = context.render_context
    language = render_context.get(_LANGUAGE)
    if language is None:
        language = render_context[_LANGUAGE] = translation.get_language()
    return language


class KeptLanguageNode(LanguageNode):
    def render(self, context):
        render_context = context.render_context
        outside = render_context.get(_LANGUAGE)
        render_context[_LANGUAGE] = None  # asked again under the block's language
        try:
            return super().render(context)
        finally:
            render_context[_LANGUAGE] = outside


@register.tag("language")
def do_language(parser, token):
    node = django_i18n.language(parser, token)
    return KeptLanguageNode(node.nodelist, node.language)


@register.tag("translate")
@register.tag("trans")
def do_translate(parser, token):
    node = django_i18n.do_translate(parser, token)
    return KeptTranslateNode(node.filter_expression, node.noop, node.asvar, node.message_context)


def kept_translations_forget() -> None:
    _KEPT.clear()


@receiver(file_changed, dispatch_uid="i18n_kept_catalogue_changed")
def _catalogue_changed(sender, file_path, **kwargs):
    if file_path.suffix == ".mo":
        kept_translations_forget()


@receiver(setting_changed, dispatch_uid="i18n_kept_setting_changed")
def _languages_changed(setting, **kwargs):
    if setting in _CATALOGUE_SETTINGS:
        kept_translations_forget()
