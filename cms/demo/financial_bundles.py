"""The demo operator's bundle components and templates, one or more per segment.

Prices fit the demo's bills (``cms/demo/financial.py``: 72,000–476,000 VND a month): a GB of
data is 10,000 VND, a minute 500, an SMS 300. Control Seekers get a prepaid pack with a
monthly spending cap, Performance Seekers a data pack, Cost Cutters a basic one. Everything is
created once and found by code afterwards: a second run changes nothing, and a marketer's
later edits are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from club.members.models import Segment
from cms.demo.financial_bundle_addons import demo_member_addons_load
from rewards.bundles.choices import AddonService
from rewards.bundles.models import BundleComponent, BundleTemplate, BundleTemplateLine, ComponentKind, PlanFit
from rewards.bundles.services import bundle_addon_stats_refresh

# code, kind, name, unit, unit price (VND), smallest, largest, step
COMPONENTS = [
    ("data-gb", ComponentKind.DATA, "Mobile data", "GB", 10_000, 1, 100, 1),
    ("voice-min", ComponentKind.VOICE, "Minutes to any network", "min", 500, 0, 3000, 30),
    ("sms", ComponentKind.SMS, "SMS to any network", "SMS", 300, 0, 1000, 10),
    ("streaming", ComponentKind.ADD_ON, "Streamly Premium streaming", "month", 59_000, 0, 1, 1),
    ("device-protection", ComponentKind.ADD_ON, "Device protection", "month", 45_000, 0, 1, 1),
    ("cloud-50gb", ComponentKind.PARTNER, "Cloud storage 50 GB (partner)", "month", 25_000, 0, 1, 1),
    ("online-security", ComponentKind.ADD_ON, "Online security", "month", 20_000, 0, 1, 1),
    ("online-backup", ComponentKind.ADD_ON, "Online backup", "month", 15_000, 0, 1, 1),
    ("tech-support", ComponentKind.ADD_ON, "Tech support line", "month", 30_000, 0, 1, 1),
]
# The add-on service of the billing data each add-on is, for the recommender (set when empty).
ADDON_SERVICES = {
    "streaming": AddonService.STREAMING_TV,
    "device-protection": AddonService.DEVICE_PROTECTION,
    "online-security": AddonService.ONLINE_SECURITY,
    "online-backup": AddonService.ONLINE_BACKUP,
    "tech-support": AddonService.TECH_SUPPORT,
}
DATA_MAX_PROMISE = "4G+ priority: at least 10 Mbit/s at peak hours, or the month's data is on us."


@dataclass(frozen=True)
class DemoBundle:
    code: str
    name: str
    description: str
    segments: tuple[str, ...]
    plan_fit: str
    lines: tuple[tuple[str, int], ...]  # component code, default quantity
    spending_cap: int | None = None
    validity_days: int = 30
    quality_promise: str = ""


CONTROL_SEEKERS_BUDGET_PACK = "control-seekers-budget-pack"

DEMO_BUNDLES = [
    DemoBundle(
        CONTROL_SEEKERS_BUDGET_PACK,
        "Budget pack: 2 GB, no surprises",
        "2 GB, 60 minutes and 50 SMS for 30 days, with a monthly spending cap: the line never spends "
        "more than 150,000 VND a month.",
        (Segment.CONTROL_SEEKERS,),
        PlanFit.PREPAID,
        (("data-gb", 2), ("voice-min", 60), ("sms", 50)),
        spending_cap=150_000,
    ),
    DemoBundle(
        "performance-data-max",
        "Data max: 20 GB and streaming",
        "20 GB of fast data and a month of Streamly Premium.",
        (Segment.PERFORMANCE_SEEKERS,),
        PlanFit.ANY,
        (("data-gb", 20), ("streaming", 1)),
        quality_promise=DATA_MAX_PROMISE,
    ),
    DemoBundle(
        "cost-cutters-basic",
        "Basic: 1 GB, 30 minutes, 30 SMS",
        "The essentials at the lowest price.",
        (Segment.COST_CUTTERS,),
        PlanFit.ANY,
        (("data-gb", 1), ("voice-min", 30), ("sms", 30)),
    ),
    DemoBundle(
        "devicers-care",
        "Device care: 5 GB and protection",
        "5 GB of data and device protection for your new phone.",
        (Segment.DEVICERS,),
        PlanFit.POSTPAID,
        (("data-gb", 5), ("device-protection", 1)),
    ),
    DemoBundle(
        "vip-all-in",
        "All-in: 30 GB, 600 minutes, streaming, protection, cloud",
        "Everything, for members who want the best.",
        (Segment.VIP,),
        PlanFit.POSTPAID,
        (("data-gb", 30), ("voice-min", 600), ("streaming", 1), ("device-protection", 1), ("cloud-50gb", 1)),
    ),
    DemoBundle(
        "novices-starter",
        "Starter: 3 GB and 60 minutes",
        "A simple start, with room to add more later.",
        (Segment.CURIOUS_NOVICES,),
        PlanFit.ANY,
        (("data-gb", 3), ("voice-min", 60)),
    ),
    DemoBundle(
        "everyday-flex",
        "Everyday flex: data, minutes, SMS and the extras you choose",
        "Sized to how you use your line; switch on online security, backup, device protection, tech "
        "support or streaming as you like.",
        (),
        PlanFit.ANY,
        (("data-gb", 5), ("voice-min", 90), ("sms", 50), ("online-security", 0), ("online-backup", 0),
         ("device-protection", 0), ("tech-support", 0), ("streaming", 0)),
    ),
]


@dataclass(frozen=True)
class BundlesDemoResult:
    components_created: int
    templates_created: int
    components_marked: int = 0  # add-ons given their billing-data service
    promises_added: int = 0
    members_with_addons: int = 0  # demo subscribers given add-on services


def _template_create(spec: DemoBundle, components: dict[str, BundleComponent]) -> BundleTemplate:
    template = BundleTemplate(
        code=spec.code,
        name=spec.name,
        description=spec.description,
        target_segments=[str(segment) for segment in spec.segments],
        plan_fit=spec.plan_fit,
        monthly_spending_cap=Decimal(spec.spending_cap) if spec.spending_cap else None,
        validity_days=spec.validity_days,
        quality_promise=spec.quality_promise,
        live=False,
        lines=[
            BundleTemplateLine(component=components[code], quantity=quantity, sort_order=i)
            for i, (code, quantity) in enumerate(spec.lines)
        ],
    )
    template.save()
    template.save_revision().publish()
    return template


@transaction.atomic
def demo_bundles_load() -> BundlesDemoResult:
    """Create the components and publish the templates that do not exist yet."""
    existing = set(BundleComponent.objects.values_list("code", flat=True))
    new_components = [
        BundleComponent(
            code=code,
            kind=kind,
            name=name,
            unit_label=unit,
            unit_price=Decimal(price),
            min_quantity=low,
            max_quantity=high,
            step=step,
            addon_service=ADDON_SERVICES.get(code, ""),
        )
        for code, kind, name, unit, price, low, high, step in COMPONENTS
        if code not in existing
    ]
    for component in new_components:
        component.save()
        component.save_revision()
    components = {c.code: c for c in BundleComponent.objects.filter(code__in=[row[0] for row in COMPONENTS])}
    known = set(
        BundleTemplate.objects.filter(code__in=[s.code for s in DEMO_BUNDLES]).values_list("code", flat=True)
    )
    created = [_template_create(spec, components) for spec in DEMO_BUNDLES if spec.code not in known]
    members = demo_member_addons_load()
    if members:
        bundle_addon_stats_refresh()
    return BundlesDemoResult(
        components_created=len(new_components),
        templates_created=len(created),
        components_marked=_addon_services_mark(components),
        promises_added=_promises_add(),
        members_with_addons=members,
    )


def _addon_services_mark(components: dict[str, BundleComponent]) -> int:
    """Give the demo's add-ons made before the recommender their service, where still empty
    (a marketer's choice is kept)."""
    marked = 0
    for code, service in ADDON_SERVICES.items():
        component = components.get(code)
        if component is not None and not component.addon_service:
            component.addon_service = service
            component.save(update_fields=["addon_service"])
            marked += 1
    return marked


def _promises_add() -> int:
    """The demo's quality promises on templates made before the field, where still empty."""
    added = 0
    for spec in DEMO_BUNDLES:
        if not spec.quality_promise:
            continue
        template = BundleTemplate.objects.filter(code=spec.code, quality_promise="").first()
        if template is not None:
            template.quality_promise = spec.quality_promise
            template.save_revision().publish()
            added += 1
    return added


def demo_bundles() -> dict[str, BundleTemplate]:
    """The demo's bundle templates by code (created first if missing), e.g.
    ``demo_bundles()[CONTROL_SEEKERS_BUDGET_PACK]`` for the Control Seekers budget pack."""
    demo_bundles_load()
    found = BundleTemplate.objects.filter(code__in=[s.code for s in DEMO_BUNDLES])
    by_code = {template.code: template for template in found}
    return {spec.code: by_code[spec.code] for spec in DEMO_BUNDLES if spec.code in by_code}
