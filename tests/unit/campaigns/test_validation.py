"""Campaign consistency checks and message choice: pure functions."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from campaigns.selectors import campaign_message_for
from campaigns.validation import campaign_errors, cron_schedule, messages_errors


def campaign(**changes):
    fields = {
        "offer_kind": "message", "bonus_points": None, "discount_percent": None, "reward_id": None,
        "content_page_id": None, "event_id": None, "bundle_id": None, "survey_id": None,
        "schedule_kind": "one_shot", "cron": "",
        "trigger": "", "send_at": None,
        "go_live_at": None, "expire_at": None, "max_per_window": None, "window_days": None,
        "send_portal": True, "send_email": False, "send_sms": False, "transactional": False,
        "counts_toward_caps": True,
    }
    fields.update(changes)
    return SimpleNamespace(**fields)


def test_a_plain_message_campaign_is_consistent():
    assert campaign_errors(campaign()) == {}


def test_a_transactional_campaign_may_not_count():
    assert campaign_errors(campaign(transactional=True, counts_toward_caps=False)) == {}


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"offer_kind": "event"}, {"event": "Which event is the invitation to?"}),
        ({"offer_kind": "bundle"}, {"bundle": "Which bundle does the offer give?"}),
        ({"offer_kind": "survey"}, {"survey": "Which survey does the offer ask the member to answer?"}),
        ({"offer_kind": "message", "survey_id": 2}, {"survey": "Only for a 'survey' offer: leave it empty."}),
        ({"offer_kind": "message", "event_id": 3}, {"event": "Only for a 'event' offer: leave it empty."}),
        ({"offer_kind": "event", "event_id": 3, "discount_percent": 10},
         {"discount_percent": "Only for a 'discount' offer: leave it empty."}),
    ],
    ids=["event-needs-event", "bundle-needs-bundle", "survey-needs-survey", "survey-only-for-survey",
         "event-only-for-event", "no-discount-on-events"],
)
def test_each_offer_kind_needs_its_own_field_and_no_other(changes, errors):
    assert campaign_errors(campaign(**changes)) == errors


def test_a_bundle_offer_may_add_a_discount_of_its_own():
    assert campaign_errors(campaign(offer_kind="bundle", bundle_id=2, discount_percent=10)) == {}


@pytest.mark.parametrize("expression", ["0 10 * * mon", "*/15 8-20 * * *", "0 9 1 * *"])
def test_valid_cron_expressions_parse(expression):
    assert cron_schedule(expression) is not None


@pytest.mark.parametrize("expression", ["", "0 10 * *", "60 * * * *", "0 10 * * funday", "a b c d e"])
def test_invalid_cron_expressions_are_refused(expression):
    with pytest.raises(ValueError):
        cron_schedule(expression)


def test_messages_need_a_language_and_sms_texts_when_sending_sms():
    assert messages_errors(languages=[], sms_texts=[], sends_sms=False) == [
        "Write the message in at least one language."]
    assert messages_errors(languages=["en", "vi"], sms_texts=["hi", " "], sends_sms=True) == [
        "The campaign sends SMS: every message needs an SMS text."]
    assert messages_errors(languages=["en", "vi"], sms_texts=["", ""], sends_sms=False) == []


def message(language, order):
    return SimpleNamespace(language=language, sort_order=order)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("vi", "vi"), ("zh-hans", "zh-hans"), ("zh-hant", "zh-hans"), ("ru", "en"), ("en", "en")],
)
def test_the_member_gets_their_language_or_the_first_message(language, expected):
    messages = [message("en", 0), message("vi", 1), message("zh-hans", 2)]

    assert campaign_message_for(messages=messages, language=language).language == expected


def test_no_messages_no_message():
    assert campaign_message_for(messages=[], language="en") is None
