"""manage.py profiles_refresh and the nightly beat entry."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from club.profiles.models import MemberProfile
from club.profiles.tasks import profiles_refresh_all_nightly_task
from config.celery import app
from tests.factories import MemberFactory, StaffUserFactory

from .data import ALICE, ON, alice_history, figures

pytestmark = pytest.mark.django_db


def test_the_command_refreshes_every_member(capsys):
    alice, others = MemberFactory(), [MemberFactory() for _ in range(2)]
    alice_history(alice, StaffUserFactory())

    call_command("profiles_refresh", "--chunk-size", "2", "--on", ON.isoformat())

    assert "3 members in 2 chunks" in capsys.readouterr().out
    assert figures(MemberProfile.objects.get(member=alice)) == ALICE
    assert MemberProfile.objects.filter(member__in=others).count() == 2


def test_the_command_refreshes_only_the_members_named(capsys):
    first, _second, third = MemberFactory(), MemberFactory(), MemberFactory()

    call_command("profiles_refresh", "--members", f"{first.pk},{third.pk}")

    assert set(MemberProfile.objects.values_list("member_id", flat=True)) == {first.pk, third.pk}
    assert "2 members in 1 chunks" in capsys.readouterr().out


def test_the_command_names_members_that_do_not_exist_and_writes_nothing():
    member = MemberFactory()

    with pytest.raises(CommandError, match="no member with id 999999"):
        call_command("profiles_refresh", "--members", f"{member.pk},999999")

    assert not MemberProfile.objects.exists()


@pytest.mark.parametrize("arguments", [["--members", "1,x"], ["--chunk-size", "0"], ["--on", "15/10/2026"]],
                         ids=["members", "chunk-size", "on"])
def test_the_command_refuses_bad_arguments(arguments):
    with pytest.raises(CommandError):
        call_command("profiles_refresh", *arguments)


def test_the_nightly_entry_runs_the_refresh_of_every_member():
    app.loader.import_default_modules()
    entry = settings.CELERY_BEAT_SCHEDULE["profiles-refresh-nightly"]
    assert entry["task"] in app.tasks
    members = [MemberFactory() for _ in range(3)]

    result = app.tasks[entry["task"]].apply().get()

    assert result["members"] == 3
    assert MemberProfile.objects.filter(member__in=members).count() == 3
    assert entry["task"] == profiles_refresh_all_nightly_task.name
