"""The demo subscribers' add-on services, as the billing system would send them (the telco
sample's columns: ``internet_service`` and "Yes"/"No"/"No internet service" per add-on, kept in
``Member.attributes``), so the bundle recommender has add-ons to learn from.

Deterministic (a seed and the account number) and only for members who have none yet: a second
run changes nothing, and values the operator's import sent are kept. Two tastes make add-ons go
together, as in the real sample: "safety" (security, backup, tech support, device protection)
and "entertainment" (streaming TV and movies); the segment tilts both.
"""

from __future__ import annotations

import random

from club.members.models import Member, Segment

SEED = 20261207
CHUNK = 500
NO_INTERNET = "No internet service"
INTERNET = [("Fiber optic", 45), ("DSL", 35), ("No", 20)]
SAFETY = ("online_security", "online_backup", "tech_support", "device_protection")
ENTERTAINMENT = ("streaming_tv", "streaming_movies")
# segment: (chance of the safety taste, chance of the entertainment taste)
TASTES = {
    Segment.PERFORMANCE_SEEKERS: (0.35, 0.65),
    Segment.DEVICERS: (0.55, 0.55),
    Segment.VIP: (0.6, 0.6),
    Segment.COST_CUTTERS: (0.1, 0.15),
    Segment.CURIOUS_NOVICES: (0.5, 0.3),
    Segment.CONTROL_SEEKERS: (0.2, 0.2),
}
DEFAULT_TASTES = (0.3, 0.35)


def member_addons(account_number: str, segment: str) -> dict[str, str]:
    """The add-on attributes of one demo subscriber."""
    rng = random.Random(f"{SEED}-{account_number}")
    internet = rng.choices([i for i, _w in INTERNET], weights=[w for _i, w in INTERNET], k=1)[0]
    if internet == "No":
        return {"internet_service": "No", **{s: NO_INTERNET for s in (*SAFETY, *ENTERTAINMENT)}}
    safety_chance, entertainment_chance = TASTES.get(segment, DEFAULT_TASTES)
    safety = rng.random() < safety_chance
    entertainment = rng.random() < entertainment_chance
    values = {"internet_service": internet}
    for service in SAFETY:
        values[service] = "Yes" if rng.random() < (0.7 if safety else 0.12) else "No"
    for service in ENTERTAINMENT:
        values[service] = "Yes" if rng.random() < (0.8 if entertainment else 0.1) else "No"
    return values


def demo_member_addons_load() -> int:
    """Give add-on services to the members who have none; how many were given."""
    missing = (
        Member.objects.exclude(attributes__has_key="online_security")
        .only("pk", "account_number", "segment", "attributes")
        .order_by("pk")
    )
    batch: list[Member] = []
    given = 0
    for member in missing.iterator(chunk_size=CHUNK):
        addons = member_addons(member.account_number, member.segment)
        member.attributes = {**(member.attributes or {}), **addons}
        batch.append(member)
        if len(batch) == CHUNK:
            given += Member.objects.bulk_update(batch, ["attributes"])
            batch = []
    if batch:
        given += Member.objects.bulk_update(batch, ["attributes"])
    return given
