"""When points clear and when they expire, from the operator's ``LedgerSettings``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from rewards.reference import ReferenceData

from .models import ExpiryPolicy, LedgerSettings


@dataclass(frozen=True)
class LotPolicy:
    clearing_days: int
    expiry_policy: str
    expiry_months: int

    @classmethod
    def current(cls) -> LotPolicy:
        """The operator's policy, from the reference cache (every grant and expiry asks)."""
        return CURRENT_POLICY.get()

    def clears_at(self, earned_at: dt.datetime) -> dt.datetime:
        return earned_at + dt.timedelta(days=self.clearing_days)

    def expires_at(self, earned_at: dt.datetime) -> dt.datetime | None:
        """Rolling: ``expiry_months`` after earning. Next year's end: midnight that starts the
        second January after earning, in the operator's time zone."""
        if self.expiry_policy == ExpiryPolicy.NEVER:
            return None
        if self.expiry_policy == ExpiryPolicy.END_OF_NEXT_YEAR:
            local = timezone.localtime(earned_at)
            return local.replace(
                year=local.year + 2, month=1, day=1, hour=0, minute=0, second=0, microsecond=0
            )
        return earned_at + relativedelta(months=self.expiry_months)


def _policy_load() -> LotPolicy:
    stored = LedgerSettings.load()
    return LotPolicy(stored.clearing_days, stored.expiry_policy, stored.expiry_months)


# Dropped when the settings are saved (connected in LedgerConfig.ready).
CURRENT_POLICY = ReferenceData("ledger-lot-policy", _policy_load, ("ledger.LedgerSettings",))
