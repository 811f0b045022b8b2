"""The rules components and templates must follow, as pure functions (the admin shows them)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import gettext as _

from .choices import PlanFit
from .pricing import TemplateLine, quantity_problem


def component_problems(
    *, unit_price: Decimal | None, min_quantity: int | None, max_quantity: int | None, step: int | None
) -> dict[str, str]:
    """Field name -> message for every inconsistency of a component (empty: fine)."""
    problems: dict[str, str] = {}
    if unit_price is not None and unit_price < 0:
        problems["unit_price"] = _("The unit price cannot be negative.")
    if step is not None and step < 1:
        problems["step"] = _("The step must be at least 1.")
    if min_quantity is None or max_quantity is None or "step" in problems or step is None:
        return problems
    if max_quantity < min_quantity:
        problems["max_quantity"] = _("The largest quantity (%(max)s) is below the smallest (%(min)s).") % {
            "max": max_quantity,
            "min": min_quantity,
        }
    elif (max_quantity - min_quantity) % step:
        below = min_quantity + (max_quantity - min_quantity) // step * step
        problems["max_quantity"] = _(
            "The largest quantity must be the smallest plus whole steps: %(below)s or %(above)s, not %(max)s."
        ) % {"below": below, "above": below + step, "max": max_quantity}
    return problems


def template_problems(
    *, plan_fit: str | None, monthly_spending_cap: Decimal | None, quantum: Decimal, currency: str
) -> dict[str, str]:
    """Field name -> message for the template's own fields."""
    problems: dict[str, str] = {}
    if monthly_spending_cap is None:
        return problems
    if plan_fit != PlanFit.PREPAID:
        problems["monthly_spending_cap"] = _(
            "A monthly spending cap is for prepaid packs only: choose “Prepaid” or leave it empty."
        )
    elif monthly_spending_cap <= 0:
        problems["monthly_spending_cap"] = _("The spending cap must be above zero.")
    elif monthly_spending_cap != monthly_spending_cap.quantize(quantum):
        problems["monthly_spending_cap"] = _("%(currency)s has no smaller unit than %(quantum)s.") % {
            "currency": currency,
            "quantum": quantum,
        }
    return problems


def template_lines_problems(
    *, lines: Sequence[TemplateLine], active_codes: set[str]
) -> list[tuple[int, str]]:
    """(row index, message) for the template's lines, in the order shown; index -1: the whole
    list (no line, nothing chosen)."""
    problems: list[tuple[int, str]] = []
    seen: set[str] = set()
    for index, line in enumerate(lines):
        component = line.component
        if component.code in seen:
            problems.append((index, _("%(name)s is already in this bundle.") % {"name": component.name}))
            continue
        seen.add(component.code)
        if component.code not in active_codes:
            problems.append(
                (
                    index,
                    _("%(name)s is inactive: activate it or remove this line.") % {"name": component.name},
                )
            )
            continue
        problem = quantity_problem(component, line.default_quantity)
        if problem:
            problems.append((index, problem))
    if not lines:
        problems.append((-1, _("A bundle needs at least one line.")))
    elif not problems and not any(line.default_quantity > 0 for line in lines):
        problems.append((-1, _("At least one line needs a quantity above zero.")))
    return problems
