"""The portal in each of its four languages: translated headings, and numbers, dates and money
written the reader's way (1,234,567 in English and Chinese, 1.234.567 in Vietnamese, 1 234 567
with non-breaking spaces in Russian)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from rewards.ledger.models import LedgerEntry
from tests.factories import MemberFactory, UserFactory
from tests.integration.catalogue.factories import RewardFactory, give_points

pytestmark = pytest.mark.django_db
NBSP = "\xa0"

# language -> what the member with 1,234,567 points, with us since 5 March 2019, reads
EXPECTED = {
    "en": {"club": "My club", "points": "1,234,567", "since": "March 5, 2019",
           "statement": ("Points statement", "Available now: 1,234,567 points"),
           "rewards": ("Rewards", "You have 1,234,567 points to spend.", "1,500 points"),
           "preferences": "Preferences and privacy", "money": "1,234,567 VND"},
    "vi": {"club": "Câu lạc bộ của tôi", "points": "1.234.567", "since": "5 tháng 3 năm 2019",
           "statement": ("Sao kê điểm", "Hiện có: 1.234.567 điểm"),
           "rewards": ("Phần thưởng", "Bạn có 1.234.567 điểm để đổi quà.", "1.500 điểm"),
           "preferences": "Tùy chọn và quyền riêng tư", "money": "1.234.567 VND"},
    "zh-hans": {"club": "我的俱乐部", "points": "1,234,567", "since": "2019年3月5日",
                "statement": ("积分明细", "当前可用：1,234,567 积分"),
                "rewards": ("奖励", "您有 1,234,567 积分可用。", "1,500 积分"),
                "preferences": "偏好设置与隐私", "money": "1,234,567 VND"},
    "ru": {"club": "Мой клуб", "points": f"1{NBSP}234{NBSP}567", "since": "5 марта 2019 г.",
           "statement": ("Выписка по баллам", f"Доступно сейчас баллов: 1{NBSP}234{NBSP}567"),
           "rewards": ("Награды", f"Доступно для обмена баллов: 1{NBSP}234{NBSP}567.", f"Баллов: 1{NBSP}500"),
           "preferences": "Настройки и конфиденциальность", "money": f"1{NBSP}234{NBSP}567 VND"},
}
# language -> how the statement writes an entry's local date and time (SHORT_DATETIME_FORMAT)
ENTRY_TIME = {"vi": "%H:%M %d/%m/%Y", "ru": "%d.%m.%Y %H:%M"}
by_language = pytest.mark.parametrize("language", list(EXPECTED))


@pytest.fixture
def member_client(client):
    user = UserFactory()
    member = MemberFactory(user=user, activation_date=dt.date(2019, 3, 5))
    give_points(member, 1_234_567)
    client.force_login(user)
    client.member = member
    return client


def in_language(client, language: str):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@by_language
def test_the_dashboard_writes_points_and_dates_the_readers_way(member_client, language):
    expected = EXPECTED[language]

    page = in_language(member_client, language).get(reverse("portal:dashboard")).content.decode()

    assert f'<html lang="{language}"' in page
    assert f"<h1>{expected['club']}</h1>" in page
    assert f'data-testid="points-available">{expected["points"]}<' in page
    assert f"<dd>{expected['since']}" in page


@by_language
def test_the_statement_writes_the_balance_the_readers_way(member_client, language):
    heading, balance = EXPECTED[language]["statement"]

    page = in_language(member_client, language).get(reverse("portal:statement")).content.decode()

    assert f"<h1>{heading}</h1>" in page
    assert f'data-testid="statement-balance">{balance}<' in page
    assert f'data-testid="total-credits">+{EXPECTED[language]["points"]}<' in page


@pytest.mark.parametrize("language", list(ENTRY_TIME))
def test_statement_entries_carry_the_readers_date_and_time(member_client, language):
    entry = LedgerEntry.objects.get(member=member_client.member)
    local = timezone.localtime(entry.created_at)

    page = in_language(member_client, language).get(reverse("portal:statement")).content.decode()

    assert f'<td class="stack-meta">{local.strftime(ENTRY_TIME[language])}</td>' in page


@by_language
def test_the_rewards_page_writes_balance_and_prices_the_readers_way(member_client, language):
    RewardFactory(name="Cinema for two", points_cost=1_500)
    heading, balance, price = EXPECTED[language]["rewards"]

    page = in_language(member_client, language).get(reverse("portal:rewards")).content.decode()

    assert f"<h1>{heading}</h1>" in page
    assert f'data-testid="rewards-balance">{balance}<' in page
    assert f'data-testid="catalogue-price">{price}<' in page


@by_language
def test_the_preferences_page_is_in_the_readers_language(member_client, language):
    page = in_language(member_client, language).get(reverse("portal:preferences")).content.decode()

    assert f"<h1>{EXPECTED[language]['preferences']}</h1>" in page


@by_language
def test_money_is_grouped_the_readers_way_in_the_operators_currency(language):
    template = Template("{% load site_numbers %}{{ amount|money }}")

    with translation.override(language):
        shown = template.render(Context({"amount": "1234567"}))

    assert shown == EXPECTED[language]["money"]
