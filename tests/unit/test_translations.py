"""The translation catalogues: complete, well-formed, compiled, and in step with the code.

Every message of vi, zh_Hans and ru has a translation (every plural form), none is fuzzy, each
keeps the placeholders of its msgid, the header names the language and its plural rule, and the
committed .mo (compiled files are committed, so a clone needs no gettext) says exactly what the
.po says. The last test runs ``makemessages`` over a copy of the code and finds no message
missing from the committed catalogues.
"""

from __future__ import annotations

import gettext
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.pofile import PoCatalogue, po_catalogue_read, po_placeholders

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
RUSSIAN_PLURALS = (
    "nplurals=4; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<12 || n%100>14) ? 1 : "
    "n%10==0 || (n%10>=5 && n%10<=9) || (n%100>=11 && n%100<=14)? 2 : 3);"
)
# locale directory -> (Language header, Plural-Forms header, number of plural forms)
LANGUAGES = {
    "vi": ("vi", "nplurals=1; plural=0;", 1),
    "zh_Hans": ("zh_Hans", "nplurals=1; plural=0;", 1),
    "ru": ("ru", RUSSIAN_PLURALS, 4),
}
# What the makemessages command of docs/i18n.md leaves out (its -i patterns).
IGNORED_DIRS = {
    ".git", ".venv", "tests", "bench", "staticfiles", "var", "test-artifacts", "node_modules", "locale",
}
SOURCE_SUFFIXES = {".py", ".html", ".txt"}

by_language = pytest.mark.parametrize("language", sorted(LANGUAGES))


def catalogue(language: str) -> PoCatalogue:
    return po_catalogue_read(path=LOCALE_DIR / language / "LC_MESSAGES" / "django.po")


@by_language
def test_the_header_names_the_language_and_its_plural_rule(language):
    header = catalogue(language).header

    assert (header["Language"], header["Plural-Forms"]) == LANGUAGES[language][:2]
    assert header["Content-Type"] == "text/plain; charset=UTF-8"


@by_language
def test_every_message_has_a_translation_in_every_plural_form(language):
    entries = catalogue(language).entries
    forms = LANGUAGES[language][2]

    untranslated = [
        entry.label for entry in entries
        if not all(entry.msgstrs) or len(entry.msgstrs) != (forms if entry.is_plural else 1)
    ]

    assert len(entries) > 1000
    assert untranslated == []


@by_language
def test_no_translation_is_fuzzy_and_none_is_obsolete(language):
    po = catalogue(language)

    assert [entry.label for entry in po.entries if entry.is_fuzzy] == []
    assert po.obsolete == 0


@by_language
def test_every_translation_keeps_the_placeholders_of_its_message(language):
    mismatched = []
    for entry in catalogue(language).entries:
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.is_plural else [])
        wanted = [po_placeholders(text=text, flags=entry.flags) for text in sources]
        for msgstr in entry.msgstrs:
            found = po_placeholders(text=msgstr, flags=entry.flags)
            if found not in wanted:
                mismatched.append((entry.label, sorted(found), [sorted(w) for w in wanted]))

    assert mismatched == []


@by_language
def test_the_committed_mo_says_exactly_what_the_po_says(language):
    po = catalogue(language)
    with open(LOCALE_DIR / language / "LC_MESSAGES" / "django.mo", "rb") as compiled:
        mo = gettext.GNUTranslations(compiled)
    # GNUTranslations keeps its messages in _catalog: msgid -> msgstr, (msgid, n) -> plural form n.
    compiled_messages = {key: value for key, value in mo._catalog.items() if key != ""}

    expected = {}
    for entry in po.entries:
        if entry.is_plural:
            expected.update({(entry.key, n): msgstr for n, msgstr in enumerate(entry.msgstrs)})
        else:
            expected[entry.key] = entry.msgstrs[0]

    stale = sorted(str(key)[:60] for key in expected if compiled_messages.get(key) != expected[key])
    extra = sorted(str(key)[:60] for key in compiled_messages.keys() - expected.keys())
    assert (stale, extra) == ([], [])


def _source_copy(*, source: Path, target: Path) -> None:
    """The files makemessages reads (.py, .html, .txt), without the ignored folders."""
    for path in source.rglob("*"):
        relative = path.relative_to(source)
        if path.is_file() and path.suffix in SOURCE_SUFFIXES and not IGNORED_DIRS & set(relative.parts[:-1]):
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target / relative)


def test_makemessages_finds_no_message_missing_from_the_catalogues(tmp_path, monkeypatch, settings):
    if not (shutil.which("xgettext") and shutil.which("msgmerge")):
        pytest.skip("makemessages needs GNU gettext (xgettext, msgmerge): apt-get install gettext")
    given_code = tmp_path / "code"
    _source_copy(source=Path(settings.BASE_DIR), target=given_code)
    shutil.copytree(LOCALE_DIR / "vi", given_code / "locale" / "vi")
    settings.LOCALE_PATHS = [given_code / "locale"]
    monkeypatch.chdir(given_code)

    call_command("makemessages", locale=["vi"], no_obsolete=True, verbosity=0)

    fresh = po_catalogue_read(path=given_code / "locale" / "vi" / "LC_MESSAGES" / "django.po")
    committed = catalogue("vi")
    assert sorted(fresh.keys - committed.keys) == []
