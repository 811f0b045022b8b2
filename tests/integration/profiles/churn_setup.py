"""Set-up shared by the churn tests: members imported from made-up Telco rows with the shipped
mapping, their profiles, and an active model fitted on such rows."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from club.members.models import Member
from club.members.services.importing import subscriber_import_records
from club.profiles.churn.features import inputs_from_csv_row
from club.profiles.churn.fitting import churn_model_store
from club.profiles.churn.model import FitResult, churn_fit
from club.profiles.models import ChurnModel, MemberProfile
from tests.unit.profiles.churn_rows import telco_like_rows

# The telco-customers mapping counts tenure back from this day.
AS_OF = dt.date(2026, 11, 1)


def import_rows(rows: list[dict[str, str]], *, consent: bool = True,
                current: bool = True) -> dict[str, Member]:
    """Import the rows; ``current`` makes every line active again (the sample's "Churn: Yes" lines
    arrive churned, and a line that has left is not scored)."""
    report = subscriber_import_records(records=rows, mapping="telco-customers", all_or_nothing=True)
    assert report.errors == [], report.errors
    accounts = [row["customerID"] for row in rows]
    imported = Member.objects.filter(account_number__in=accounts)
    imported.update(consent_profiling=consent)
    if current:
        imported.update(status="active", churn_reason="")
    return {member.account_number: member for member in Member.objects.filter(account_number__in=accounts)}


def profile_for(member: Member, **figures) -> MemberProfile:
    return MemberProfile.objects.create(member=member, as_of=AS_OF, refreshed_at=timezone.now(), **figures)


def fitted_on_rows(count: int = 600, *, seed: int = 11) -> FitResult:
    rows = telco_like_rows(count, seed=seed)
    return churn_fit([inputs_from_csv_row(row) for row in rows], [int(row["Churn"] == "Yes") for row in rows])


def active_model(result: FitResult) -> ChurnModel:
    return churn_model_store(result=result, source="made-up rows")
