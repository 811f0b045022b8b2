"""The add-on recommender, as pure functions: which add-on services (online security, online
backup, device protection, tech support, streaming TV, streaming movies) a member is likely to
want, given the services they already have, their plan (the telco sample's contract) and their
Internet service.

The model is a naive Bayes over counts (``AddonCounts``): for a service ``s`` the member does not
have, ``log P(s) + Σ_f [log P(f | s) − log P(f)]`` over the member's features ``f`` (each service
they hold, ``plan:<plan>``, ``internet:<kind>``), with add-one smoothing; features never seen
when counting are skipped. The counts come from the members' own services
(``bundle_addon_stats_refresh``, one grouped query) or from the telco sample's rows
(``addon_counts_fit``), and ``addon_hit_rate_evaluate`` measures it: hide one add-on of each
test customer, recommend three, count the hits, against the "most popular" baseline.
docs/bundles.md has the figures.
"""

from __future__ import annotations

import csv
import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from .choices import AddonService

SERVICES: tuple[str, ...] = tuple(AddonService.values)
PLAN = "plan:"
INTERNET = "internet:"
SMOOTHING = 1.0
# A feature explains a suggestion ("62% of members with online backup have it") only when this
# many members had it: a percentage of three members says nothing.
EXPLAIN_MIN_MEMBERS = 20
YES_VALUES = {"yes", "true", "1"}
NO_INTERNET = "No internet service"

# The telco sample's columns (club/members/import_mappings/telco-customers.json names them).
CSV_SERVICE_COLUMNS = {
    "OnlineSecurity": AddonService.ONLINE_SECURITY.value,
    "OnlineBackup": AddonService.ONLINE_BACKUP.value,
    "DeviceProtection": AddonService.DEVICE_PROTECTION.value,
    "TechSupport": AddonService.TECH_SUPPORT.value,
    "StreamingTV": AddonService.STREAMING_TV.value,
    "StreamingMovies": AddonService.STREAMING_MOVIES.value,
}
CSV_ID, CSV_PLAN, CSV_INTERNET = "customerID", "Contract", "InternetService"
CSV_VALUES = {"Yes", "No", NO_INTERNET}


@dataclass(frozen=True)
class AddonProfile:
    """What a customer has: add-on services held, plan, Internet service. ``eligible``: the
    billing data says which add-ons they have (and they have Internet, which add-ons need)."""

    services: frozenset[str] = frozenset()
    plan: str = ""
    internet: str = ""
    eligible: bool = True

    def features(self, *, without: str = "") -> list[str]:
        found = sorted(s for s in self.services if s != without)
        if self.plan:
            found.append(PLAN + self.plan)
        if self.internet:
            found.append(INTERNET + self.internet)
        return found


def addon_profile_from_attributes(attributes: dict, *, plan: str = "") -> AddonProfile:
    """A member's profile from ``Member.attributes`` (the import keeps the billing system's
    "Yes"/"No"/"No internet service" per service). No add-on key at all: not eligible."""
    values = {s: attributes.get(s) for s in SERVICES if s in attributes}
    held = frozenset(s for s, value in values.items() if str(value).strip().lower() in YES_VALUES)
    no_internet = str(attributes.get("internet_service", "")).strip().lower() == "no" or any(
        str(v) == NO_INTERNET for v in values.values()
    )
    return AddonProfile(
        services=held,
        plan=plan,
        internet=str(attributes.get("internet_service", "") or ""),
        eligible=bool(values) and not no_internet,
    )


@dataclass
class AddonCounts:
    """``customers`` counted; ``feature[f]``: how many have feature ``f``; ``joint[f][s]``: how
    many have ``f`` and service ``s`` (a service is a feature of itself: ``feature[s]`` is how
    many hold ``s``)."""

    customers: int = 0
    feature: dict[str, int] = field(default_factory=dict)  # plain dicts: the counts are pickled
    joint: dict[str, dict[str, int]] = field(default_factory=dict)

    def _feature_add(self, feature: str, count: int) -> None:
        self.feature[feature] = self.feature.get(feature, 0) + count

    def _joint_add(self, feature: str, service: str, count: int) -> None:
        by_service = self.joint.setdefault(feature, {})
        by_service[service] = by_service.get(service, 0) + count

    def add_group(
        self,
        *,
        size: int,
        plan: str,
        internet: str,
        service_counts: dict[str, int],
        pair_counts: dict[tuple[str, str], int],
    ) -> None:
        """Add ``size`` customers of one plan and Internet service, ``service_counts[s]`` of
        whom hold ``s`` and ``pair_counts[(s, t)]`` (s < t) hold both."""
        self.customers += size
        contexts = [PLAN + plan] if plan else []
        if internet:
            contexts.append(INTERNET + internet)
        for context in contexts:
            self._feature_add(context, size)
        for service, count in service_counts.items():
            if not count:
                continue
            self._feature_add(service, count)
            for context in contexts:
                self._joint_add(context, service, count)
        for (first, second), count in pair_counts.items():
            if count:
                self._joint_add(first, second, count)
                self._joint_add(second, first, count)

    def add(self, profile: AddonProfile) -> None:
        held = sorted(profile.services)
        self.add_group(
            size=1,
            plan=profile.plan,
            internet=profile.internet,
            service_counts={s: 1 for s in held},
            pair_counts={pair: 1 for pair in combinations(held, 2)},
        )

    def held(self, service: str) -> int:
        return self.feature.get(service, 0)

    def as_json(self) -> dict:
        return {
            "customers": self.customers,
            "feature": dict(self.feature),
            "joint": {f: dict(by_service) for f, by_service in self.joint.items()},
        }

    @classmethod
    def from_json(cls, data: dict) -> AddonCounts:
        counts = cls()
        counts.customers = int(data.get("customers", 0))
        counts.feature = {str(k): int(v) for k, v in data.get("feature", {}).items()}
        counts.joint = {
            str(f): {str(k): int(v) for k, v in by_service.items()}
            for f, by_service in data.get("joint", {}).items()
        }
        return counts


def addon_counts_fit(profiles: Iterable[AddonProfile]) -> AddonCounts:
    """Counts over the eligible profiles."""
    counts = AddonCounts()
    for profile in profiles:
        if profile.eligible:
            counts.add(profile)
    return counts


@dataclass(frozen=True)
class AddonScore:
    """A suggested service, its model score, and the evidence shown to the member: the share of
    members with ``because`` (a service, ``plan:...`` or ``internet:...``; empty: of all
    members) who hold it, in percent."""

    service: str
    score: float
    percent: float
    because: str = ""


def _log_ratio(joint: int, base: int, smoothing: float = SMOOTHING) -> float:
    return math.log((joint + smoothing) / (base + 2 * smoothing))


def addon_score(counts: AddonCounts, profile: AddonProfile, service: str) -> float:
    n = counts.customers
    held = counts.held(service)
    score = _log_ratio(held, n)
    for f in profile.features(without=service):
        seen = counts.feature.get(f, 0)
        if not seen:
            continue
        score += _log_ratio(counts.joint.get(f, {}).get(service, 0), held) - _log_ratio(seen, n)
    return score


def _evidence(counts: AddonCounts, profile: AddonProfile, service: str) -> tuple[float, str]:
    """The feature of the member that most raises the service's share, with that share; or the
    share among all members when none raises it."""
    n = counts.customers
    best = (100.0 * counts.held(service) / n if n else 0.0, "")
    for f in profile.features(without=service):
        seen = counts.feature.get(f, 0)
        if seen < EXPLAIN_MIN_MEMBERS:
            continue
        share = 100.0 * counts.joint.get(f, {}).get(service, 0) / seen
        if share > best[0]:
            best = (share, f)
    return best


def addon_recommend(counts: AddonCounts | None, profile: AddonProfile, *, limit: int) -> list[AddonScore]:
    """Up to ``limit`` services the member does not hold, best first (ties: by name)."""
    if counts is None or counts.customers == 0 or limit <= 0:
        return []
    candidates = [s for s in SERVICES if s not in profile.services]
    ranked = sorted(candidates, key=lambda s: (-addon_score(counts, profile, s), s))[:limit]
    return [AddonScore(s, addon_score(counts, profile, s), *_evidence(counts, profile, s)) for s in ranked]


def popular_recommend(counts: AddonCounts, profile: AddonProfile, *, limit: int) -> list[str]:
    """The baseline: the most held services the member does not hold."""
    candidates = [s for s in SERVICES if s not in profile.services]
    return sorted(candidates, key=lambda s: (-counts.held(s), s))[:limit]


# --- the telco sample and the evaluation ----------------------------------------------------------


class AddonDataError(ValueError):
    """The file cannot be read as the telco sample; ``problems``: (line, message) each."""

    def __init__(self, problems: list[tuple[int, str]]):
        super().__init__("; ".join(f"line {line}: {message}" for line, message in problems[:10]))
        self.problems = problems


def addon_profiles_from_csv(lines: Iterable[str]) -> list[tuple[str, AddonProfile]]:
    """(customer id, profile) for every row of the telco sample; every bad row is reported."""
    reader = csv.DictReader(lines)
    needed = [CSV_ID, CSV_PLAN, CSV_INTERNET, *CSV_SERVICE_COLUMNS]
    missing = [column for column in needed if column not in (reader.fieldnames or [])]
    if missing:
        raise AddonDataError([(1, "missing columns: " + ", ".join(missing))])
    profiles: list[tuple[str, AddonProfile]] = []
    problems: list[tuple[int, str]] = []
    seen: set[str] = set()
    for row in reader:
        line = reader.line_num
        customer = (row[CSV_ID] or "").strip()
        bad = [c for c in CSV_SERVICE_COLUMNS if row[c] not in CSV_VALUES]
        if not customer:
            problems.append((line, f"{CSV_ID} is empty"))
        elif customer in seen:
            problems.append((line, f"{CSV_ID} {customer} appears twice"))
        if bad:
            problems.append((line, f"{', '.join(bad)}: expected Yes, No or {NO_INTERNET}"))
        if not customer or customer in seen or bad:
            continue
        seen.add(customer)
        has_internet = row[CSV_INTERNET] != "No" and all(row[c] != NO_INTERNET for c in CSV_SERVICE_COLUMNS)
        held = frozenset(service for column, service in CSV_SERVICE_COLUMNS.items() if row[column] == "Yes")
        profile = AddonProfile(held, row[CSV_PLAN].strip(), row[CSV_INTERNET].strip(), has_internet)
        profiles.append((customer, profile))
    if problems:
        raise AddonDataError(problems)
    return profiles


@dataclass(frozen=True)
class AddonEvaluation:
    seed: int
    train_customers: int  # eligible customers the counts were fitted on
    test_customers: int  # test customers with at least one add-on (one hidden each)
    hits: int
    baseline_hits: int
    # Customers with four or more add-ons have three or fewer left to choose from: any
    # recommender hits. The rates without them tell the two apart more sharply.
    open_customers: int
    open_hits: int
    open_baseline_hits: int
    limit: int = 3

    @property
    def hit_rate(self) -> float:
        return self.hits / self.test_customers if self.test_customers else 0.0

    @property
    def baseline_hit_rate(self) -> float:
        return self.baseline_hits / self.test_customers if self.test_customers else 0.0

    @property
    def open_hit_rate(self) -> float:
        return self.open_hits / self.open_customers if self.open_customers else 0.0

    @property
    def open_baseline_hit_rate(self) -> float:
        return self.open_baseline_hits / self.open_customers if self.open_customers else 0.0


def addon_hit_rate_evaluate(
    profiles: Sequence[tuple[str, AddonProfile]], *, seed: int = 7, test_share: float = 0.25, limit: int = 3
) -> AddonEvaluation:
    """Split the customers (seeded shuffle of the sorted ids), fit on the training ones, then
    for each test customer with an add-on hide one (seeded) and recommend ``limit`` from those
    they do not have: a hit when the hidden one is among them. The baseline recommends the most
    held services of the training customers."""
    if not 0 < test_share < 1:
        raise ValueError("test_share must be between 0 and 1")
    ids = sorted(customer for customer, _profile in profiles)
    random.Random(seed).shuffle(ids)
    test_ids = set(ids[: round(len(ids) * test_share)])
    counts = addon_counts_fit(p for customer, p in profiles if customer not in test_ids)
    hide = random.Random(seed + 1)
    tested = hits = baseline_hits = open_customers = open_hits = open_baseline = 0
    for customer, profile in sorted(profiles, key=lambda item: item[0]):
        if customer not in test_ids or not profile.eligible or not profile.services:
            continue
        hidden = hide.choice(sorted(profile.services))
        shown = AddonProfile(profile.services - {hidden}, profile.plan, profile.internet, profile.eligible)
        hit = hidden in {a.service for a in addon_recommend(counts, shown, limit=limit)}
        baseline_hit = hidden in popular_recommend(counts, shown, limit=limit)
        tested += 1
        hits += hit
        baseline_hits += baseline_hit
        if len(SERVICES) - len(shown.services) > limit:
            open_customers += 1
            open_hits += hit
            open_baseline += baseline_hit
    return AddonEvaluation(
        seed=seed,
        train_customers=counts.customers,
        test_customers=tested,
        hits=hits,
        baseline_hits=baseline_hits,
        open_customers=open_customers,
        open_hits=open_hits,
        open_baseline_hits=open_baseline,
        limit=limit,
    )
