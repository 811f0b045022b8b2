"""Components and templates for the bundles tests (integration and reliability)."""

from __future__ import annotations

import itertools
from decimal import Decimal

from rewards.bundles.models import BundleComponent, BundleTemplate, BundleTemplateLine

_codes = itertools.count(1)

# code: kind, name, unit, unit price, smallest, largest, step
COMPONENTS = {
    "data-gb": ("data", "Mobile data", "GB", 10_000, 1, 100, 1),
    "voice-min": ("voice", "Minutes", "min", 500, 0, 3000, 30),
    "sms": ("sms", "SMS", "SMS", 300, 0, 1000, 10),
    "streaming": ("add_on", "Streaming", "month", 59_000, 0, 1, 1),
}


def component(code: str, **fields) -> BundleComponent:
    kind, name, unit, price, low, high, step = COMPONENTS[code]
    values = {
        "kind": kind,
        "name": name,
        "unit_label": unit,
        "unit_price": Decimal(price),
        "min_quantity": low,
        "max_quantity": high,
        "step": step,
        **fields,
    }
    found, _ = BundleComponent.objects.get_or_create(code=code, defaults=values)
    return found


def template(
    *, lines=(("data-gb", 10), ("voice-min", 90), ("sms", 50)), live: bool = True, **fields
) -> BundleTemplate:
    """A template (published unless ``live=False``): 160,000 VND with the default lines."""
    values = {"code": f"template-{next(_codes)}", "name": "Everyday", "plan_fit": "any", **fields}
    made = BundleTemplate.objects.create(live=live, **values)
    BundleTemplateLine.objects.bulk_create(
        BundleTemplateLine(template=made, component=component(code), quantity=quantity, sort_order=i)
        for i, (code, quantity) in enumerate(lines)
    )
    return made
