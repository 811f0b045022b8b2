"""Giving members their account manager: by hand, or by the live rules (docs/care.md)."""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from club.members.models import Member, MemberStatus

from ..models import AccountManager, AssignmentSource, ManagerAssignment, ManagerRule

CHUNK = 2000


def manager_assign(*, member_id: int, manager_id: int, staff_user) -> ManagerAssignment:
    """Staff give the member this manager. A hand assignment stands until staff change it:
    the rules never move it."""
    with transaction.atomic():
        Member.objects.select_for_update().only("pk").get(pk=member_id)
        manager = AccountManager.objects.get(pk=manager_id)
        assignment, _created = ManagerAssignment.objects.update_or_create(
            member_id=member_id,
            defaults={"manager": manager, "source": AssignmentSource.HAND, "rule": None,
                      "assigned_at": timezone.now(), "assigned_by": staff_user},
        )
    return assignment


def manager_unassign(*, member_id: int) -> bool:
    """Take the member's manager away (the rules may give one again at their next run)."""
    deleted, _by_model = ManagerAssignment.objects.filter(member_id=member_id).delete()
    return bool(deleted)


@dataclass(frozen=True)
class RuleRun:
    assigned: int  # members given a manager by this run
    released: int  # rule assignments taken back (the member left the rules, the manager left the pool)
    unplaced: int  # members matching a rule whose managers were all at capacity


def managers_assign_by_rules(*, at=None) -> RuleRun:
    """Bring the rule assignments in line with the live rules: take back those whose member no
    longer matches (or is no longer an active line) or whose manager left the rule or went
    inactive, then give each matching member without a manager the least-loaded manager of the
    first rule (by priority) that matches and has room. Members are read in chunks of ids;
    one run at a time (the live rules' rows are locked)."""
    at = at or timezone.now()
    with transaction.atomic():
        rules = list(ManagerRule.objects.select_for_update().filter(live=True).order_by("priority", "pk"))
        pools = _pools(rules)
        released = _release(rules, pools)
        loads = dict(ManagerAssignment.objects.values_list("manager").annotate(n=Count("pk")).order_by())
    assigned = unplaced = 0
    for rule in rules:
        done, left = _assign_rule(rule, pools[rule.pk], loads, at)
        assigned += done
        unplaced += left
    return RuleRun(assigned=assigned, released=released, unplaced=unplaced)


def _pools(rules: list[ManagerRule]) -> dict[int, dict[int, int]]:
    """Per rule, its active managers and their capacities."""
    pools: dict[int, dict[int, int]] = {rule.pk: {} for rule in rules}
    through = ManagerRule.managers.through.objects.filter(
        managerrule_id__in=list(pools), accountmanager__active=True,
    ).values_list("managerrule_id", "accountmanager_id", "accountmanager__capacity")
    for rule_id, manager_id, capacity in through:
        pools[rule_id][manager_id] = capacity
    return pools


def _matching(rules: list[ManagerRule]) -> Q:
    condition = Q(pk__in=[])
    for rule in rules:
        condition |= rule.member_filter()
    return condition & Q(status=MemberStatus.ACTIVE)


def _release(rules: list[ManagerRule], pools: dict[int, dict[int, int]]) -> int:
    by_rule = ManagerAssignment.objects.filter(source=AssignmentSource.RULE)
    stale = Q(rule__isnull=True) | ~Q(rule_id__in=[rule.pk for rule in rules])
    for rule in rules:
        stale |= Q(rule_id=rule.pk) & ~Q(manager_id__in=list(pools[rule.pk]))
    stale |= ~Q(member__in=Member.objects.filter(_matching(rules)).values("pk"))
    deleted, _by_model = by_rule.filter(stale).delete()
    return deleted


def _assign_rule(rule: ManagerRule, pool: dict[int, int], loads: dict[int, int], at) -> tuple[int, int]:
    heap = [(loads.get(manager_id, 0), manager_id) for manager_id in pool]
    heapq.heapify(heap)
    candidates = (Member.objects.filter(rule.member_filter(), status=MemberStatus.ACTIVE,
                                        care_assignment__isnull=True).order_by("pk"))
    assigned = unplaced = 0
    after = 0
    while True:
        ids = list(candidates.filter(pk__gt=after).values_list("pk", flat=True)[:CHUNK])
        if not ids:
            return assigned, unplaced
        after = ids[-1]
        rows = []
        for member_id in ids:
            while heap and heap[0][0] >= pool[heap[0][1]]:
                heapq.heappop(heap)  # at capacity: out of this run
            if not heap:
                unplaced += 1
                continue
            load, manager_id = heapq.heappop(heap)
            rows.append(ManagerAssignment(member_id=member_id, manager_id=manager_id,
                                          source=AssignmentSource.RULE, rule=rule, assigned_at=at))
            loads[manager_id] = load + 1
            heapq.heappush(heap, (load + 1, manager_id))
        # A member given a manager by hand meanwhile keeps that one (the member's row is unique).
        ManagerAssignment.objects.bulk_create(rows, ignore_conflicts=True)
        assigned += _count_new(rows)


def _count_new(rows: list[ManagerAssignment]) -> int:
    """How many of ``rows`` were written (``ignore_conflicts`` does not say)."""
    if not rows:
        return 0
    return ManagerAssignment.objects.filter(
        member_id__in=[row.member_id for row in rows], assigned_at=rows[0].assigned_at,
        source=AssignmentSource.RULE,
    ).count()
