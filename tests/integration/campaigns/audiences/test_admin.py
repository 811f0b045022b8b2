"""The Audiences screens of the Campaigns menu: list, add with the rule builder, the live count
in the preview panel, inspect, and a delete refused while a campaign uses the audience."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from campaigns.audiences.models import Audience, Match
from club.members.models import Segment
from tests.factories import MemberFactory
from tests.integration.campaigns.factories import CampaignFactory
from tests.integration.members.factories_admin import staff_with_mfa
from tests.mfa_login import login_with_mfa

from .helpers import condition

pytestmark = pytest.mark.django_db

# Resolved at import, before the test database is created: loading the admin URLs registers
# the snippet viewsets, so that migrate creates the snippets' permissions.
NAMESPACE = "wagtailsnippets_audiences_audience"
LIST_URL, ADD_URL = reverse(f"{NAMESPACE}:list"), reverse(f"{NAMESPACE}:add")
AUDIENCE_PERMISSIONS = ("wagtailadmin.access_admin", "audiences.add_audience", "audiences.change_audience",
                        "audiences.delete_audience", "audiences.view_audience")


def url(name: str, audience: Audience) -> str:
    return reverse(f"{NAMESPACE}:{name}", args=[audience.pk])


@pytest.fixture
def marketer(client):
    login_with_mfa(client, staff_with_mfa(*AUDIENCE_PERMISSIONS))
    return client


@pytest.fixture
def members():
    return {
        "vip_en": MemberFactory(segment=Segment.VIP, language="en"),
        "vip_vi": MemberFactory(segment=Segment.VIP, language="vi"),
        "cutter_en": MemberFactory(segment=Segment.COST_CUTTERS, language="en"),
    }


def audience_form(*conditions, name="VIP speakers of English", match=Match.ALL) -> dict:
    """The edit form as the browser posts it; each condition is ``(kind, {field: value})``."""
    data = {"name": name, "description": "", "match": match, "conditions-count": str(len(conditions))}
    for index, (kind, fields) in enumerate(conditions):
        prefix = f"conditions-{index}"
        data |= {f"{prefix}-type": kind, f"{prefix}-deleted": "", f"{prefix}-order": str(index),
                 f"{prefix}-id": ""}
        for field, value in fields.items():
            if value is True:
                data[f"{prefix}-value-{field}"] = "on"
            elif value not in (False, None):
                data[f"{prefix}-value-{field}"] = value
    return data


VIP_IN_ENGLISH = [("segment", {"segments": ["vip"]}), ("language", {"languages": ["en"]})]


def test_a_marketer_builds_an_audience_and_its_count_is_stored_after_saving(
    marketer, members, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = marketer.post(ADD_URL, audience_form(*VIP_IN_ENGLISH))

    assert response.status_code == 302
    audience = Audience.objects.get(name="VIP speakers of English")
    assert [child.block_type for child in audience.conditions] == ["segment", "language"]
    assert audience.member_count == 1 and audience.counted_at is not None

    listing = marketer.get(LIST_URL).content.decode()
    assert "VIP speakers of English" in listing
    assert "1 on " in listing and "Members (last count)" in listing


def test_a_wrong_condition_is_refused_with_its_message_and_nothing_saved(marketer):
    response = marketer.post(ADD_URL, audience_form(("age", {"min_years": "30", "max_years": "25"})))

    assert response.status_code == 200
    assert "Must not be below the minimum (30)." in response.content.decode()
    assert not Audience.objects.exists()


def test_the_list_searches_and_filters_without_counting(marketer, members, django_assert_max_num_queries):
    Audience.objects.create(name="Birthday this week", match=Match.ANY, description="Lifecycle")
    Audience.objects.create(name="Lapsed prepaid", member_count=1200)

    with django_assert_max_num_queries(40) as queries:
        response = marketer.get(LIST_URL)
    assert not [q["sql"] for q in queries.captured_queries if "members_member" in q["sql"]]
    html = response.content.decode()
    assert "Not counted yet" in html and "1,200 on" not in html  # a count without a date is not shown

    found = marketer.get(LIST_URL, {"q": "birthday"}).content.decode()
    assert "Birthday this week" in found and "Lapsed prepaid" not in found
    filtered = marketer.get(LIST_URL, {"match": "any"}).content.decode()
    assert "Birthday this week" in filtered and "Lapsed prepaid" not in filtered


def test_the_live_count_in_the_preview_panel_follows_the_unsaved_form(marketer, members):
    audience = Audience.objects.create(name="VIPs", conditions=[condition("segment", segments=["vip"])])
    edit = marketer.get(url("edit", audience))
    assert edit.status_code == 200
    preview_url = url("preview_on_edit", audience)
    assert preview_url in edit.content.decode()

    # the marketer adds "language is English" without saving: the panel posts the form...
    posted = marketer.post(preview_url, audience_form(*VIP_IN_ENGLISH, name="VIPs"))
    assert json.loads(posted.content) == {"is_valid": True, "is_available": True}
    # ...and shows the figures of the form as it is now
    html = marketer.get(preview_url).content.decode()

    assert 'data-audience-count="1"' in html
    assert html.count('data-condition-count="2"') == 2  # two VIPs, two speakers of English
    assert "Segment is VIP" in html and "Language is English" in html
    assert 'data-segment="VIP"' in html
    assert "data-audience-sample" not in html  # no member data without the permission to view members
    audience.refresh_from_db()
    assert [child.block_type for child in audience.conditions] == ["segment"]


def test_staff_who_may_view_members_see_a_few_account_numbers(client, members):
    login_with_mfa(client, staff_with_mfa(*AUDIENCE_PERMISSIONS, "members.view_member"))
    audience = Audience.objects.create(name="VIPs", conditions=[condition("segment", segments=["vip"])])
    preview_url = url("preview_on_edit", audience)
    client.post(preview_url, audience_form(("segment", {"segments": ["vip"]}), name="VIPs"))

    html = client.get(preview_url).content.decode()

    assert members["vip_en"].account_number in html and members["vip_vi"].account_number in html
    assert members["cutter_en"].account_number not in html
    assert members["vip_en"].msisdn not in html


def test_inspect_reads_the_conditions_as_sentences(marketer):
    audience = Audience.objects.create(name="Not VIP", member_count=12, conditions=[
        condition("segment", segments=["vip"], exclude=True), condition("birthday", days=7),
    ])

    html = marketer.get(url("inspect", audience)).content.decode()

    assert "Not: Segment is VIP" in html and "Birthday today or in the next 7 days" in html
    assert "12 on" not in html  # never counted: no date to show
    assert "Not counted yet" in html


def test_an_audience_a_campaign_uses_cannot_be_deleted(marketer):
    audience = Audience.objects.create(name="Used")
    CampaignFactory(audience=audience)

    page = marketer.get(url("delete", audience)).content.decode()
    response = marketer.post(url("delete", audience))

    assert "referenced 1 time" in page and "Yes, delete" not in page  # Wagtail's usage: PROTECT
    assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home"))
    assert Audience.objects.filter(pk=audience.pk).exists()


def test_a_delete_the_database_refuses_gives_a_message_not_an_error(marketer):
    audience = Audience.objects.create(name="Used elsewhere")
    refusal = ProtectedError("protected", [CampaignFactory.build(name="Birthday bonus", audience=audience)])

    with mock.patch.object(Audience, "delete", side_effect=refusal):
        response = marketer.post(url("delete", audience), follow=True)

    assert response.status_code == 200
    assert "“Used elsewhere” is used by Birthday bonus, so it cannot be deleted." in response.content.decode()
    assert Audience.objects.filter(pk=audience.pk).exists()
