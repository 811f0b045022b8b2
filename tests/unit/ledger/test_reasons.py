"""Ledger reasons rendered from their code and values in the reader's language, with its
separators; names marketers typed and notes people typed shown as stored; the stored English
text when the code is blank, unknown or its values do not fit."""

from __future__ import annotations

import pytest
from django.utils import translation

from rewards.ledger.reasons import CANCELLED_BY_MEMBER, RENDERERS, ReasonCode, reason_text

NBSP = "\xa0"
LANGUAGES = ("en", "vi", "zh-hans", "ru")

# code, values, then what each language reads (en, vi, zh-hans, ru)
CASES = {
    "bill-with-multiplier-and-cap": (
        ReasonCode.EARN_BILL_PAID,
        {"amount": "450000", "points": 1234,
         "rules": [{"multipliers": [["Gold", "1.5"]], "capped": True}]},
        ("Bill paid 450,000 VND: 1,234 points (Gold ×1.5; capped)",
         "Thanh toán hóa đơn 450.000 VND: 1.234 điểm (Gold ×1,5; đã chạm giới hạn)",
         "账单已缴 450,000 VND：1,234 积分（Gold ×1.5; 已达上限）",
         f"Оплата счёта 450{NBSP}000 VND: 1{NBSP}234 балла (Gold ×1,5; достигнут лимит)"),
    ),
    "top-up-one-point": (
        ReasonCode.EARN_TOP_UP, {"amount": "50000", "points": 1},
        ("Top-up 50,000 VND: 1 point", "Nạp tiền 50.000 VND: 1 điểm", "充值 50,000 VND：1 积分",
         f"Пополнение 50{NBSP}000 VND: 1 балл"),
    ),
    "usage-two-rules": (
        ReasonCode.EARN_USAGE,
        {"data_mb": 2048, "voice_minutes": 5, "sms": 1, "points": 25,
         "rules": [{"rule": "Data", "points": 20},
                   {"rule": "Voice", "points": 5, "multipliers": [["VIP", "2"]]}]},
        ("Usage 2,048 MB, 5 minutes, 1 SMS: 25 points (Data 20; Voice 5 VIP ×2)",
         "Sử dụng 2.048 MB, 5 phút, 1 SMS: 25 điểm (Data 20 điểm; Voice 5 điểm VIP ×2)",
         "用量 2,048 MB, 5 分钟, 1 条短信：25 积分（Data 20 积分; Voice 5 积分 VIP ×2）",
         f"Использование услуг 2{NBSP}048 МБ, 5 минут, 1 SMS: 25 баллов (Data: 20; Voice: 5 VIP ×2)"),
    ),
    "anniversary": (
        ReasonCode.EARN_ANNIVERSARY, {"points": 2},
        ("Activation anniversary: 2 points", "Kỷ niệm ngày kích hoạt: 2 điểm", "入网周年纪念日：2 积分",
         "Годовщина подключения: 2 балла"),
    ),
    "redeemed": (
        ReasonCode.REDEEMED, {"reward": "1 GB data"},
        ("Redeemed: 1 GB data", "Đổi quà: 1 GB data", "兑换：1 GB data", "Обмен на награду: 1 GB data"),
    ),
    "cancelled-by-the-member": (
        ReasonCode.REDEMPTION_CANCELLED, {"note": CANCELLED_BY_MEMBER},
        ("Cancelled redemption: Cancelled by the member", "Đã hủy đổi quà: Bạn đã hủy",
         "已取消兑换：由您取消", "Обмен отменён: Отменено вами"),
    ),
    "cancelled-with-a-typed-note": (
        ReasonCode.REDEMPTION_CANCELLED, {"note": "Out of stock"},
        ("Cancelled redemption: Out of stock", "Đã hủy đổi quà: Out of stock", "已取消兑换：Out of stock",
         "Обмен отменён: Out of stock"),
    ),
    "expired": (
        ReasonCode.EXPIRED, {"points": 300, "date": "2026-03-01"},
        ("300 points reached their expiry date March 1, 2026",
         "300 điểm đã hết hạn vào ngày 1 tháng 3 năm 2026",
         "300 积分已于 2026年3月1日 到期", "300 баллов сгорели 1 марта 2026 г."),
    ),
    "reversed": (
        ReasonCode.BILLING_REVERSED, {"event": "B-1", "reversal": "R-1"},
        ("Billing event B-1 reversed by R-1", "Sự kiện tính cước B-1 đã bị đảo bởi R-1",
         "计费事件 B-1 已被 R-1 冲正", "Биллинговое событие B-1 сторнировано событием R-1"),
    ),
    "reversed-partly-spent": (
        ReasonCode.BILLING_REVERSED, {"event": "B-1", "reversal": "R-1", "unrecovered": 21},
        ("Billing event B-1 reversed by R-1 (21 points already spent)",
         "Sự kiện tính cước B-1 đã bị đảo bởi R-1 (21 điểm bạn đã dùng trước đó)",
         "计费事件 B-1 已被 R-1 冲正（21 积分已被使用）",
         "Биллинговое событие B-1 сторнировано событием R-1 (21 балл уже потрачен)"),
    ),
    "campaign-bonus": (
        ReasonCode.CAMPAIGN_BONUS, {"campaign": "Tết 2027"},
        ("Bonus: Tết 2027", "Thưởng: Tết 2027", "奖励：Tết 2027", "Бонус: Tết 2027"),
    ),
    "event-attendance": (
        ReasonCode.EVENT_ATTENDANCE, {"event": "Football night", "points": 50},
        ("Attended Football night: 50 points", "Tham dự Football night: 50 điểm",
         "参加 Football night：50 积分", "Участие в мероприятии «Football night»: 50 баллов"),
    ),
    "complaint-goodwill": (
        ReasonCode.COMPLAINT_GOODWILL, {"complaint": 12, "points": 1500},
        ("Goodwill for complaint #12: 1,500 points", "Điểm tri ân cho khiếu nại #12: 1.500 điểm",
         "投诉 #12 补偿：1,500 积分", "Компенсация по жалобе #12: 1\xa0500 баллов"),
    ),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case", list(CASES))
def test_each_code_reads_in_the_active_language_with_its_values(case, language):
    code, values, expected = CASES[case]

    with translation.override(language):
        text = reason_text(code, values, "stored English")

    assert text == expected[LANGUAGES.index(language)]
    assert "%(" not in text


def test_every_code_of_the_registry_is_tested():
    assert {code for code, _values, _expected in CASES.values()} == set(RENDERERS)


@pytest.mark.parametrize(
    ("language", "points", "expected"),
    [("ru", 1, "1 балл"), ("ru", 3, "3 балла"), ("ru", 11, "11 баллов"), ("ru", 21, "21 балл"),
     ("en", 1, "1 point"), ("en", 2, "2 points")],
)
def test_points_take_the_plural_form_of_their_number(language, points, expected):
    with translation.override(language):
        text = reason_text(ReasonCode.EARN_ANNIVERSARY, {"points": points}, "stored")

    assert text.endswith(f": {expected}")


@pytest.mark.parametrize(
    ("code", "values"),
    [("", {"reward": "1 GB data"}), ("earn.unknown_kind", {"points": 5}), (ReasonCode.REDEEMED, {}),
     (ReasonCode.EXPIRED, {"points": 300, "date": "not a date"}), (ReasonCode.EARN_BILL_PAID, None),
     (ReasonCode.EARN_TOP_UP, {"amount": "lots", "points": 3})],
    ids=["blank-code", "unknown-code", "missing-value", "bad-date", "no-values", "bad-amount"],
)
def test_without_a_code_it_can_render_the_stored_english_text_shows(code, values):
    with translation.override("vi"):
        assert reason_text(code, values, "Sorry for the outage") == "Sorry for the outage"
