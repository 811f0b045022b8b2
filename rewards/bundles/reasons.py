"""Why the recommender chose a bundle or a quantity: a machine code and its values, rendered in
the reader's language only when shown ("10 GB because you used 8.3 GB a month")."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from club.members.models.choices import Segment
from rewards.discounts.quote import money_text

from .addons import INTERNET, PLAN
from .choices import AddonService

MESSAGES = {
    # lines sized to usage
    "usage_sized": _(
        "%(quantity)s %(unit)s because you used %(used)s %(unit)s a month (with %(headroom)s%% to spare)."
    ),
    "usage_sized_fast": _(
        "%(quantity)s %(unit)s because you used %(used)s %(unit)s a month, with %(headroom)s%% to spare "
        "for fast data."
    ),
    "usage_at_min": _(
        "%(quantity)s %(unit)s, the least this bundle holds: you used %(used)s %(unit)s a month."
    ),
    "usage_at_max": _(
        "%(quantity)s %(unit)s, the most this bundle holds: you used %(used)s %(unit)s a month."
    ),
    "usage_none": _("%(quantity)s %(unit)s: you used none in the last %(months)s months."),
    "usage_unknown": _("%(quantity)s %(unit)s, the bundle's usual amount: we do not know your usage yet."),
    # add-ons
    "addon_held": _("Left out: you already have %(service)s."),
    "addon_suggested_with": _("Added: %(percent)s%% of members with %(feature)s have %(service)s."),
    "addon_suggested": _("Added: %(percent)s%% of members have %(service)s."),
    "addon_not_suggested": _("Not added: members like you seldom take %(service)s. Add it if you like."),
    "addon_cost": _("Left out to keep the price down. Add it if you like."),
    "line_kept": _("The bundle's usual amount."),
    "capped": _(
        "%(quantity)s %(unit)s, to keep the pack within its spending cap of %(cap)s (you used %(used)s "
        "%(unit)s a month)."
    ),
    "capped_extra": _("Left out to keep the pack within its spending cap of %(cap)s."),
    # the bundle as a whole
    "segment_control": _("A prepaid pack with a spending cap: you never spend more than %(cap)s a month."),
    "segment_performance": _("For fast, steady data: %(promise)s"),
    "segment_cheapest": _("The cheapest of %(count)s bundles that cover your usage."),
    "segment_cheapest_closest": _(
        "No bundle covers all your usage: this one comes closest at the lowest price."
    ),
    "segment_made_for": _("Made for %(segment)s."),
    "segment_suits": _("It suits your line and your usage."),
    "usage_above_bundle": _("Your usage is above what this bundle holds: you may pay extra for the rest."),
    "usage_above_cap": _(
        "Your usage is above what this pack holds within its cap: once it is used up, the cap stops "
        "any further spending."
    ),
}


def _number(value) -> str:
    number = Decimal(str(value))
    number = number.quantize(Decimal(1)) if number == number.to_integral_value() else number
    return number_format(number, use_l10n=True, force_grouping=True)


def _feature_text(feature: str) -> str:
    if feature.startswith(PLAN):
        return gettext("the plan “%(plan)s”") % {"plan": feature.removeprefix(PLAN)}
    if feature.startswith(INTERNET):
        return gettext("%(kind)s Internet") % {"kind": feature.removeprefix(INTERNET)}
    return _service_text(feature)


def _service_text(service: str) -> str:
    return str(dict(AddonService.choices).get(service, service))


def _value_text(key: str, value) -> str:
    if key == "service":
        return _service_text(value)
    if key == "feature":
        return _feature_text(value)
    if key == "segment":
        return str(dict(Segment.choices).get(value, value))
    if key == "cap":
        return money_text(Decimal(value))
    if isinstance(value, int | float | Decimal):
        return _number(value)
    return str(value)


@dataclass(frozen=True)
class Reason:
    """``code`` (a key of ``MESSAGES``) and its values; ``text`` renders it in the active language."""

    code: str
    values: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, code: str, **values) -> Reason:
        if code not in MESSAGES:
            raise ValueError(f"unknown reason code {code!r}")
        return cls(code, tuple(sorted(values.items())))

    def value(self, key: str):
        return dict(self.values).get(key)

    @property
    def text(self) -> str:
        return str(MESSAGES[self.code]) % {key: _value_text(key, value) for key, value in self.values}

    def __str__(self) -> str:
        return self.text
