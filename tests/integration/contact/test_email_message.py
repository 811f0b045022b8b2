"""The email a member receives for a campaign delivery, as Django's locmem outbox holds it:
HTML with a text alternative, the member's language, the offer line, and the unsubscribe
link and RFC 8058 headers on marketing emails only."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import resolve

from campaigns.contact.models import Delivery, Suppression
from campaigns.contact.services import deliveries_send
from club.members.unsubscribe import unsubscribe_token_read

from .factories import AT, campaign, member, policy
from .test_reserve import reserve

pytestmark = pytest.mark.django_db

AFTER = AT + dt.timedelta(minutes=1)
SITE = "https://club.sao.example"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.OPERATOR_NAME = "Sao Mobile"


def send_email(c, target):
    ids = reserve(c, members=[target])[c.pk].delivery_ids
    report = deliveries_send(delivery_ids=ids, now=AFTER)
    assert (report.sent, report.failed) == (len(ids), 0)
    [sent] = [m for m in mail.outbox if m.to == [target.user.email]]
    return sent


def parts(sent) -> tuple[str, str]:
    """The text/plain body and the text/html alternative (the only one)."""
    assert sent.content_subtype == "plain"
    [(html, mimetype)] = sent.alternatives
    assert mimetype == "text/html"
    return sent.body, html


def header(sent, name: str) -> str | None:
    """A header as it goes on the wire (folded lines unfolded)."""
    value = sent.message()[name]
    return None if value is None else " ".join(str(value).split())


def marketing_email(**fields):
    return campaign(send_portal=False, send_email=True, offer_kind="bonus_points", bonus_points=1500,
                    **fields)


def test_a_marketing_email_has_an_html_part_and_its_text_alternative():
    policy()
    target = member(email="lan@example.test", language="vi")
    c = marketing_email()

    sent = send_email(c, target)

    # both parts in the member's Vietnamese: the campaign's message and the email's own words
    text, html = parts(sent)
    assert sent.subject == f"{c.name} (vi)"
    assert sent.message().get_content_type() == "multipart/alternative"
    for part in (text, html):
        assert "Sao Mobile" in part
        assert f"Hello from {c.name} in vi" in part
        assert "1.500 điểm thưởng" in part
        assert f"{SITE}/portal/" in part
        assert "Quản lý tùy chọn của bạn" in part
        assert f"{SITE}/portal/preferences/" in part
        assert "Bạn nhận được email này vì bạn là thành viên câu lạc bộ Sao Mobile" in part
    assert '<html lang="vi">' in html
    assert "<table" in html and 'role="presentation"' in html


def test_the_html_fetches_nothing_and_styles_inline():
    policy()
    sent = send_email(marketing_email(), member(email="lan@example.test"))

    _text, html = parts(sent)
    for absent in ("<img", "<link", "<style", "<script", "src=", "url("):
        assert absent not in html
    hrefs = [chunk.split('"', 1)[0] for chunk in html.split('href="')[1:]]
    assert hrefs and all(href.startswith(f"{SITE}/portal/") for href in hrefs)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        pytest.param("vi", "vi", id="vietnamese"),
        pytest.param("en", "en", id="english"),
        pytest.param("zh-hans", "en", id="no-chinese-message-first-one"),
    ],
)
def test_the_email_is_in_the_language_of_the_members_message(language, expected):
    policy()
    c = marketing_email()

    sent = send_email(c, member(email=f"{language}@example.test", language=language))

    text, html = parts(sent)
    assert sent.subject == f"{c.name} ({expected})"
    assert f"Hello from {c.name} in {expected}" in text
    assert f'<html lang="{expected}">' in html


def test_the_body_is_escaped_in_html_and_kept_as_written_in_text():
    policy()
    c = marketing_email()
    c.messages.filter(language="vi").update(body="Giảm <b>50%</b> & hơn thế\nDòng hai")

    text, html = parts(send_email(c, member(email="lan@example.test", language="vi")))

    assert "Giảm <b>50%</b> & hơn thế\nDòng hai" in text
    assert "Giảm &lt;b&gt;50%&lt;/b&gt; &amp; hơn thế<br>Dòng hai" in html


def test_a_message_only_campaign_has_no_offer_line_and_invites_to_the_portal():
    policy()
    c = campaign(send_portal=False, send_email=True)

    text, html = parts(send_email(c, member(email="lan@example.test", language="en")))

    assert "bonus points" not in text
    assert f"Open My club: {SITE}/portal/" in text
    assert "See your offer" not in html


def test_a_marketing_email_carries_the_one_click_unsubscribe_headers():
    policy()
    target = member(email="lan@example.test")

    sent = send_email(marketing_email(), target)

    list_unsubscribe = header(sent, "List-Unsubscribe")
    assert list_unsubscribe.startswith(f"<{SITE}/portal/unsubscribe/")
    assert list_unsubscribe.endswith("/one-click/>")
    assert header(sent, "List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    match = resolve(urlsplit(list_unsubscribe[1:-1]).path)
    assert match.view_name == "portal:unsubscribe_one_click"
    target_of_token = unsubscribe_token_read(token=match.kwargs["token"])
    assert (target_of_token.member_id, target_of_token.channel) == (target.pk, "email")


def test_the_unsubscribe_link_in_both_parts_resolves_to_the_confirmation_page():
    policy()
    target = member(email="lan@example.test", language="en")

    text, html = parts(send_email(marketing_email(), target))

    link = text.split("Unsubscribe from these emails: ", 1)[1].split()[0]
    assert f'href="{link}"' in html
    match = resolve(urlsplit(link).path)
    assert match.view_name == "portal:unsubscribe"
    assert unsubscribe_token_read(token=match.kwargs["token"]).member_id == target.pk


def test_a_transactional_email_keeps_the_footer_without_unsubscribe():
    policy()
    c = campaign(send_portal=False, send_email=True, transactional=True)

    sent = send_email(c, member(email="lan@example.test", consent_marketing=False, language="en"))

    text, html = parts(sent)
    assert header(sent, "List-Unsubscribe") is None
    assert header(sent, "List-Unsubscribe-Post") is None
    for part in (text, html):
        assert "unsubscribe" not in part.lower()
        assert "You receive this service message because you are a member of the Sao Mobile club" in part
        assert "Manage your preferences" in part


def test_a_member_who_unsubscribed_through_the_email_gets_no_further_marketing_email():
    # given: a member got a marketing email and used its one-click link
    policy()
    target = member(email="lan@example.test")
    first = send_email(marketing_email(), target)
    one_click = header(first, "List-Unsubscribe")[1:-1]
    response = Client(enforce_csrf_checks=True).post(
        urlsplit(one_click).path, data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    mail.outbox.clear()

    # when: the next campaign reserves its contacts and sends
    second = marketing_email()
    outcome = reserve(second, members=[target])[second.pk]
    deliveries_send(delivery_ids=outcome.delivery_ids, now=AFTER)

    # then: suppressed for want of email consent, no delivery, nothing in the outbox
    assert outcome.suppressed == {"no_channel_consent": 1}
    assert Suppression.objects.get(campaign=second).reason == "no_channel_consent"
    assert not Delivery.objects.filter(campaign=second).exists()
    assert mail.outbox == []
