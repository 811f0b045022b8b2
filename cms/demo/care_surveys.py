"""Demo satisfaction and complaints: a live survey answered by up to 200 subscribers, spread so
that the importance x satisfaction matrix has dimensions in four quadrants, and a few complaints
in different states (open and overdue, in progress, resolved with goodwill points, closed).
A second run creates nothing."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from club.care.models import Complaint, Dimension, Survey, SurveyResponse
from club.care.services import complaint_close, complaint_file, complaint_resolve, complaint_respond
from club.members.models import Member

from .people import DEMO_MARKETER

SURVEY_TITLE = "How are we doing? (2026)"
RESPONSES = 200
# (mean importance, mean satisfaction) each dimension's answers are drawn around
PROFILE = {
    Dimension.PRODUCT: (4.6, 4.1),      # keep
    Dimension.PRE_SALE: (2.3, 2.5),     # potential loss
    Dimension.IN_SALE: (4.1, 3.7),      # keep
    Dimension.AFTER_SALE: (4.7, 2.2),   # fix first
    Dimension.MANAGER: (2.5, 4.3),      # lower priority
}
COMPLAINTS = [
    # account number, category, subject, description, days ago, what staff did
    ("SAO0000001", "data_speed", "Slow 4G in the evenings",
     "Every evening after 8 pm the data speed at home drops under 1 Mbps.", 1, "answer"),
    ("SAO0000002", "billing", "Roaming charged twice",
     "My March bill has the Japan roaming pack twice.", 6, "resolve"),
    ("SAO0000003", "network", "No coverage in the new office",
     "Since we moved to the 12th floor calls drop all the time.", 4, ""),
    ("SAO0000004", "service", "Long wait at the shop",
     "I waited an hour to change my SIM card.", 12, "close"),
]

ANSWER = "We are sorry. We are looking into it and will get back to you."
RESOLUTION = "Corrected; the difference is credited on your next bill."


@dataclass(frozen=True)
class FeedbackDemo:
    responses_created: int
    complaints_created: int


def _scale(rng: random.Random, mean: float) -> int:
    return min(5, max(1, round(rng.gauss(mean, 0.8))))


def _nps(rng: random.Random) -> int:
    return rng.choices(range(11), weights=[1, 1, 1, 2, 2, 3, 5, 10, 14, 12, 9])[0]


def _responses(survey: Survey, now: dt.datetime) -> int:
    if SurveyResponse.objects.filter(survey=survey).exists():
        return 0
    rng = random.Random(2026)
    members = Member.objects.filter(account_number__startswith="SAO").order_by("pk")
    rows = []
    for member_id in members.values_list("pk", flat=True)[:RESPONSES]:
        fields = {}
        for dimension, (importance, satisfaction) in PROFILE.items():
            fields[f"{dimension.value}_importance"] = _scale(rng, importance)
            fields[f"{dimension.value}_satisfaction"] = _scale(rng, satisfaction)
        rows.append(SurveyResponse(survey=survey, member_id=member_id, nps=_nps(rng),
                                   answered_at=now - dt.timedelta(hours=rng.randint(1, 30 * 24)), **fields))
    SurveyResponse.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _complaints(now: dt.datetime) -> int:
    staff = get_user_model().objects.get(email=DEMO_MARKETER.email)
    members = dict(Member.objects.filter(account_number__in=[c[0] for c in COMPLAINTS])
                   .values_list("account_number", "pk"))
    created = 0
    for account, category, subject, description, days_ago, done in COMPLAINTS:
        member_id = members.get(account)
        if member_id is None or Complaint.objects.filter(member_id=member_id, subject=subject).exists():
            continue
        filed_at = now - dt.timedelta(days=days_ago)
        complaint = complaint_file(member_id=member_id, category=category, subject=subject,
                                   description=description, now=filed_at)
        created += 1
        if done:
            complaint_respond(complaint_id=complaint.pk, staff_user=staff,
                              now=filed_at + dt.timedelta(hours=3), message=ANSWER)
        if done in ("resolve", "close"):
            complaint_resolve(complaint_id=complaint.pk, staff_user=staff,
                              now=filed_at + dt.timedelta(days=1), resolution=RESOLUTION,
                              goodwill_points=500)
        if done == "close":
            complaint_close(complaint_id=complaint.pk)
    return created


@transaction.atomic
def demo_care_feedback_load() -> FeedbackDemo:
    now = timezone.now()
    survey, _new = Survey.objects.get_or_create(title=SURVEY_TITLE, defaults={
        "live": True,
        "intro": "Five short questions on our service, and how likely you are to recommend us.",
    })
    return FeedbackDemo(responses_created=_responses(survey, now), complaints_created=_complaints(now))
