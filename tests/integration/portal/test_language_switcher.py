"""The language switcher in every page's footer: the four languages by their own names, and a
choice that sticks for the next pages."""

from __future__ import annotations

import unicodedata

import pytest
from django.conf import settings

from tests.factories import MemberFactory, UserFactory

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


def test_a_members_choice_in_the_footer_is_their_stored_language_too(client):
    member = MemberFactory(user=UserFactory(), language="en")
    client.force_login(member.user)

    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/portal/preferences/"})

    assert (response.status_code, response["Location"]) == (302, "/portal/preferences/")
    member.refresh_from_db()
    assert member.language == "ru"
    page = client.get("/portal/preferences/").content.decode()
    assert '<html lang="ru"' in page
    assert '<option value="ru" selected>' in page


def test_an_unknown_language_leaves_the_members_language_alone(client):
    member = MemberFactory(user=UserFactory(), language="vi")
    client.force_login(member.user)

    client.post("/i18n/setlang/", {"language": "xx", "next": "/portal/"})

    member.refresh_from_db()
    assert member.language == "vi"


def test_a_user_without_a_line_can_switch_too(client):
    client.force_login(UserFactory())

    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/portal/"})

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("vi", ["Đăng nhập", "Quên mật khẩu?", "Ghi nhớ đăng nhập", "Nếu bạn chưa có tài khoản"]),
        ("zh-hans", ["登录", "忘记密码？", "记住我", "如果您还没有账户"]),
        ("ru", ["Войти", "Забыли пароль?", "Запомнить меня", "Если у вас ещё нет учётной записи"]),
    ],
)
def test_the_login_page_has_no_english_left_from_allauth(client, language, texts):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    page = client.get("/accounts/login/").content.decode()

    assert [text for text in texts if text not in page] == []
    assert [text for text in ("Sign In", "Forgot your password?", "Remember Me") if text in page] == []
