"""The portal's preferences page: each section saves through its service (consents with
their history, source "portal"), HTMX re-renders the section alone, and every bad input is
refused with a clear message and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from club.members.models import ConsentRecord, Interest, Member
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/portal/preferences/"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def member(user):
    return MemberFactory(user=user, msisdn="+84912345001", consent_email=False, consent_sms=True,
                         consent_marketing=False, language="vi")


@pytest.fixture
def logged_in(client, member, user):
    client.force_login(user)
    return client


def row(member) -> Member:
    return Member.objects.get(pk=member.pk)


def contact_fields(member) -> tuple:
    m = row(member)
    return (m.max_messages_per_week, m.quiet_hours_start, m.quiet_hours_end)


def test_the_url_name_resolves():
    assert reverse("portal:preferences") == URL


@pytest.mark.parametrize("url", [URL, "/portal/privacy/export/", "/portal/privacy/delete/"])
def test_login_is_required(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("url", [URL, "/portal/privacy/export/", "/portal/privacy/delete/"])
def test_a_user_without_a_line_is_sent_to_link_it(client, url):
    client.force_login(UserFactory())
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (302, reverse("portal:link"))


def test_the_page_shows_every_section_and_the_current_values(logged_in):
    response = logged_in.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    for section in ("channels", "purposes", "limits", "interests", "language"):
        assert f'id="prefs-{section}"' in html
    assert 'name="channels-channel_sms" id="id_channels-channel_sms" checked' in html
    assert 'id="consent-history"' in html
    assert reverse("portal:privacy_export") in html and reverse("portal:privacy_delete") in html


def test_the_nav_links_to_the_page(logged_in):
    assert f'href="{URL}"' in logged_in.get(reverse("portal:dashboard")).content.decode()


def test_saving_channels_records_each_change_with_its_source(logged_in, member, user):
    response = logged_in.post(URL, {"section": "channels", "channels-channel_portal": "on",
                                    "channels-channel_email": "on"})

    assert (response.status_code, response["Location"]) == (302, URL)
    m = row(member)
    assert (m.consent_portal, m.consent_email, m.consent_sms) == (True, True, False)
    assert sorted(ConsentRecord.objects.filter(member=member).values_list(
        "purpose", "granted", "source", "recorded_by")) == [
        ("channel_email", True, "portal", user.pk), ("channel_sms", False, "portal", user.pk)]


def test_the_history_shows_each_change(logged_in, member):
    logged_in.post(URL, {"section": "purposes", "purposes-marketing": "on"})
    logged_in.post(URL, {"section": "purposes"})

    html = logged_in.get(URL).content.decode()
    history = html[html.index('id="consent-history"'):]
    assert history.count("Marketing messages") == 2
    assert "Given" in history and "Withdrawn" in history and "Member portal" in history


def test_an_htmx_save_returns_the_section_and_the_history(logged_in, member):
    response = logged_in.post(URL, {"section": "purposes", "purposes-profiling": "on"}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="card prefs-section" id="prefs-purposes"')
    assert "Saved." in html
    assert 'id="consent-history" aria-labelledby="consent-history-heading" hx-swap-oob="true"' in html
    assert row(member).consent_profiling is True


def test_saving_contact_limits(logged_in, member):
    response = logged_in.post(URL, {"section": "limits", "limits-max_messages_per_week": "3",
                                    "limits-quiet_hours_start": "22:00", "limits-quiet_hours_end": "07:00"})

    assert response.status_code == 302
    assert contact_fields(member) == (3, dt.time(22), dt.time(7))


def test_clearing_contact_limits(logged_in, member):
    Member.objects.filter(pk=member.pk).update(max_messages_per_week=2, quiet_hours_start=dt.time(21),
                                               quiet_hours_end=dt.time(8))
    logged_in.post(URL, {"section": "limits", "limits-max_messages_per_week": "",
                         "limits-quiet_hours_start": "", "limits-quiet_hours_end": ""})
    assert contact_fields(member) == (None, None, None)


BOTH_OR_NEITHER = "Give both the start and the end of your quiet hours, or neither."


@pytest.mark.parametrize(("data", "message"), [
    ({"limits-quiet_hours_start": "22:00"}, BOTH_OR_NEITHER),
    ({"limits-quiet_hours_end": "07:00"}, BOTH_OR_NEITHER),
    ({"limits-quiet_hours_start": "22:00", "limits-quiet_hours_end": "22:00"},
     "Quiet hours must end at another time than they start."),
    ({"limits-quiet_hours_start": "25:00", "limits-quiet_hours_end": "07:00"}, "Enter a time such as 22:00."),
    ({"limits-max_messages_per_week": "51"}, "Ensure this value is less than or equal to 50."),
    ({"limits-max_messages_per_week": "-1"}, "Ensure this value is greater than or equal to 0."),
    ({"limits-max_messages_per_week": "lots"}, "Enter a whole number."),
], ids=["start-only", "end-only", "same-time", "bad-time", "too-many", "negative", "not-a-number"])
def test_bad_contact_limits_are_refused_and_change_nothing(logged_in, member, data, message):
    response = logged_in.post(URL, {"section": "limits", **data})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert contact_fields(member) == (None, None, None)


def test_bad_contact_limits_over_htmx_show_the_message_in_the_section(logged_in, member):
    response = logged_in.post(URL, {"section": "limits", "limits-quiet_hours_start": "22:00"}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Give both the start and the end of your quiet hours, or neither." in html
    assert "Saved." not in html and "hx-swap-oob" not in html
    assert contact_fields(member) == (None, None, None)


def test_saving_interests(logged_in, member):
    football, travel, _ = (Interest.objects.create(slug=s, name=s.title())
                           for s in ("football", "travel", "music"))
    logged_in.post(URL, {"section": "interests", "interests-interests": [football.pk, travel.pk]})
    assert sorted(row(member).interests.values_list("slug", flat=True)) == ["football", "travel"]

    logged_in.post(URL, {"section": "interests"})
    assert list(row(member).interests.all()) == []


@pytest.mark.parametrize("value", ["999999", "football"], ids=["unknown-id", "not-an-id"])
def test_unknown_interests_are_refused(logged_in, member, value):
    football = Interest.objects.create(slug="football", name="Football")
    member.interests.set([football])

    response = logged_in.post(URL, {"section": "interests", "interests-interests": [value]})

    assert response.status_code == 400
    assert "Choose interests from the list." in response.content.decode()
    assert list(row(member).interests.values_list("slug", flat=True)) == ["football"]


def test_saving_the_language_sets_the_member_and_the_pages_language(logged_in, member):
    response = logged_in.post(URL, {"section": "language", "language-language": "ru"})

    assert (response.status_code, response["Location"]) == (302, URL)
    assert row(member).language == "ru"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"


def test_saving_the_language_over_htmx_reloads_the_page(logged_in, member):
    response = logged_in.post(URL, {"section": "language", "language-language": "zh-hans"}, **HTMX)

    assert (response.status_code, response["HX-Redirect"]) == (204, URL)
    assert row(member).language == "zh-hans"


def test_an_unknown_language_is_refused(logged_in, member):
    response = logged_in.post(URL, {"section": "language", "language-language": "fr"})

    assert response.status_code == 400
    assert "Choose one of the languages offered." in response.content.decode()
    assert row(member).language == "vi"


@pytest.mark.parametrize("section", ["", "nonsense"], ids=["missing", "unknown"])
def test_an_unknown_section_is_refused(logged_in, member, section):
    before = Member.objects.values().get(pk=member.pk)

    response = logged_in.post(URL, {"section": section, "purposes-marketing": "on"})

    assert response.status_code == 400
    assert "Choose which preferences to save." in response.content.decode()
    assert Member.objects.values().get(pk=member.pk) == before
    assert not ConsentRecord.objects.exists()


def test_another_members_preferences_are_never_touched(logged_in, member):
    other = MemberFactory(user=UserFactory(), msisdn="+84912345002", consent_email=False)

    logged_in.post(URL, {"section": "channels", "channels-channel_email": "on"})

    assert row(other).consent_email is False
    assert not ConsentRecord.objects.filter(member=other).exists()
