"""A bundle's lines and list price, as pure functions: no database, exact Decimal money.

``quantities_resolve`` checks what a member asks for against each component's smallest and
largest quantity and its step, and fills in the template's defaults; ``lines_price`` prices
the lines. Line amounts are rounded cumulatively to the currency's minor unit (ROUND_HALF_UP),
like the discount quote (docs/discounts.md), so they always add up to the list price exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from django.utils.translation import gettext as _

ZERO = Decimal(0)


@dataclass(frozen=True)
class ComponentTerms:
    """A component as pricing reads it."""

    code: str
    name: str
    unit_label: str
    unit_price: Decimal
    min_quantity: int
    max_quantity: int
    step: int
    active: bool = True
    kind: str = ""  # ComponentKind; the recommender sizes data, voice and SMS to usage
    addon_service: str = ""  # AddonService, for add-ons the recommender may switch on


@dataclass(frozen=True)
class TemplateLine:
    component: ComponentTerms
    default_quantity: int


@dataclass(frozen=True)
class QuantityProblem:
    """Why a quantity is refused; ``code`` is the component's (empty: the bundle as a whole)."""

    code: str
    message: str


@dataclass(frozen=True)
class PricedLine:
    code: str
    name: str
    unit_label: str
    quantity: int
    unit_price: Decimal
    amount: Decimal

    def as_json(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "unit": self.unit_label,
            "quantity": self.quantity,
            "unit_price": str(self.unit_price),
            "amount": str(self.amount),
        }


def _nearest(component: ComponentTerms, quantity: int) -> tuple[int, int]:
    below = component.min_quantity + (quantity - component.min_quantity) // component.step * component.step
    return below, below + component.step


def quantity_problem(component: ComponentTerms, quantity: object) -> str | None:
    """Why ``quantity`` is not allowed for ``component``, or None."""
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        return _("%(name)s: the quantity must be a whole number (got %(value)s).") % {
            "name": component.name,
            "value": quantity,
        }
    values = {
        "name": component.name,
        "value": quantity,
        "unit": component.unit_label,
        "min": component.min_quantity,
        "max": component.max_quantity,
        "step": component.step,
    }
    if quantity < component.min_quantity:
        return _("%(name)s: at least %(min)s %(unit)s (got %(value)s).") % values
    if quantity > component.max_quantity:
        return _("%(name)s: at most %(max)s %(unit)s (got %(value)s).") % values
    if (quantity - component.min_quantity) % component.step:
        lower, upper = _nearest(component, quantity)
        return _(
            "%(name)s: from %(min)s %(unit)s in steps of %(step)s (got %(value)s; the nearest "
            "allowed are %(lower)s and %(upper)s)."
        ) % {**values, "lower": lower, "upper": upper}
    return None


def quantities_resolve(
    *, lines: Sequence[TemplateLine], quantities: Mapping[str, object] | None
) -> tuple[list[tuple[ComponentTerms, int]], list[QuantityProblem]]:
    """The quantity of every line (the member's choice, else the template's default) and every
    problem found: unknown codes, bad quantities, nothing chosen at all."""
    quantities = dict(quantities or {})
    known = {line.component.code for line in lines}
    problems = [
        QuantityProblem(str(code), _("“%(code)s” is not part of this bundle.") % {"code": code})
        for code in quantities
        if code not in known
    ]
    chosen: list[tuple[ComponentTerms, int]] = []
    for line in lines:
        quantity = quantities.get(line.component.code, line.default_quantity)
        problem = quantity_problem(line.component, quantity)
        if problem:
            problems.append(QuantityProblem(line.component.code, problem))
        else:
            chosen.append((line.component, quantity))  # type: ignore[arg-type]
    if not problems and not any(quantity > 0 for _component, quantity in chosen):
        problems.append(QuantityProblem("", _("Choose at least one item for the bundle.")))
    return chosen, problems


def lines_price(*, lines: Sequence[tuple[ComponentTerms, int]], quantum: Decimal) -> tuple[PricedLine, ...]:
    """The lines with a quantity above zero, priced; amounts rounded cumulatively."""
    priced: list[PricedLine] = []
    with localcontext() as context:
        context.prec = 60
        running = previous = ZERO
        for component, quantity in lines:
            if quantity <= 0:
                continue
            running += component.unit_price * quantity
            rounded = running.quantize(quantum, rounding=ROUND_HALF_UP)
            priced.append(
                PricedLine(
                    component.code,
                    component.name,
                    component.unit_label,
                    quantity,
                    component.unit_price,
                    rounded - previous,
                )
            )
            previous = rounded
    return tuple(priced)


def list_price(*, lines: Sequence[tuple[ComponentTerms, int]], quantum: Decimal) -> Decimal:
    """sum(quantity × unit price), rounded once to the currency's minor unit (ROUND_HALF_UP)."""
    with localcontext() as context:
        context.prec = 60
        total = sum((component.unit_price * quantity for component, quantity in lines if quantity > 0), ZERO)
        return total.quantize(quantum, rounding=ROUND_HALF_UP)
