"""The language switcher in every page's footer: the four languages by their own names, and a
choice that sticks for the next pages."""

from __future__ import annotations

import unicodedata

import pytest

pytestmark = pytest.mark.django_db


def nfc(text: str) -> str:
    """Django's "Tiếng Việt" and the one typed here may compose their accents differently."""
    return unicodedata.normalize("NFC", text)


def test_every_page_offers_the_four_languages_by_their_own_names(client):
    body = nfc(client.get("/accounts/login/").content.decode())

    assert 'action="/i18n/setlang/"' in body
    for code, name in (("en", "English"), ("vi", "Tiếng Việt"), ("zh-hans", "简体中文"), ("ru", "Русский")):
        assert f'<option value="{code}" lang="{code}"' in body and f">{nfc(name)}</option>" in body


def test_a_chosen_language_sticks_and_the_page_comes_back(client):
    response = client.post("/i18n/setlang/", {"language": "vi", "next": "/accounts/login/"})

    assert (response.status_code, response["Location"]) == (302, "/accounts/login/")
    body = client.get("/accounts/login/").content.decode()
    assert '<html lang="vi"' in body
    assert '<option value="vi" lang="vi" selected>' in body


def test_an_unknown_language_changes_nothing(client):
    client.post("/i18n/setlang/", {"language": "xx", "next": "/accounts/login/"})

    assert '<html lang="en"' in client.get("/accounts/login/").content.decode()
