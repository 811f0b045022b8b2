"""The churn factors in words: a factor is stored as a machine code and a value
(``factors.py``); this module says it in the language active at request time."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from club.members.models import PaymentPlan

# Yes/no inputs: (the member has it, the member does not, its name when not known).
YES_NO_TEXTS = {
    "paperless_billing": (gettext_lazy("Paperless billing"), gettext_lazy("Paper bills"),
                          gettext_lazy("Paperless billing")),
    "phone_service": (gettext_lazy("Has a phone line"), gettext_lazy("No phone line"),
                      gettext_lazy("Phone line")),
    "multiple_lines": (gettext_lazy("Several phone lines"), gettext_lazy("A single phone line or none"),
                       gettext_lazy("Several phone lines")),
    "online_security": (gettext_lazy("Has the online security add-on"),
                        gettext_lazy("No online security add-on"), gettext_lazy("Online security add-on")),
    "online_backup": (gettext_lazy("Has the online backup add-on"), gettext_lazy("No online backup add-on"),
                      gettext_lazy("Online backup add-on")),
    "device_protection": (gettext_lazy("Has device protection"), gettext_lazy("No device protection"),
                          gettext_lazy("Device protection")),
    "tech_support": (gettext_lazy("Has the tech support add-on"), gettext_lazy("No tech support add-on"),
                     gettext_lazy("Tech support add-on")),
    "streaming_tv": (gettext_lazy("Streams TV"), gettext_lazy("No TV streaming"),
                     gettext_lazy("TV streaming")),
    "streaming_movies": (gettext_lazy("Streams films"), gettext_lazy("No film streaming"),
                         gettext_lazy("Film streaming")),
}
# Inputs read as "name: value".
VALUE_TEXTS = {
    "contract": gettext_lazy("Contract or plan: %(value)s"),
    "payment_plan": gettext_lazy("Payment plan: %(value)s"),
    "payment_method": gettext_lazy("Payment method: %(value)s"),
    "internet_service": gettext_lazy("Internet service: %(value)s"),
    "monthly_charges": gettext_lazy("Monthly charges: %(value)s"),
}


def _count_text(code: str, count: int) -> str:
    if code == "tenure_months":
        return ngettext("Member for %(count)s month", "Member for %(count)s months", count) % {"count": count}
    if code == "complaints_90d":
        return ngettext("%(count)s complaint in the last 90 days", "%(count)s complaints in the last 90 days",
                        count) % {"count": count}
    if code == "support_contacts_90d":
        return ngettext("%(count)s support contact in the last 90 days",
                        "%(count)s support contacts in the last 90 days", count) % {"count": count}
    if code == "days_in_arrears_90d":
        return ngettext("%(count)s day in arrears in the last 90 days",
                        "%(count)s days in arrears in the last 90 days", count) % {"count": count}
    return ngettext("In arrears %(count)s time in the last 12 months",
                    "In arrears %(count)s times in the last 12 months", count) % {"count": count}


COUNT_CODES = ("tenure_months", "complaints_90d", "support_contacts_90d", "days_in_arrears_90d",
               "arrears_episodes_12m")


def _trend_text(code: str, value: dict) -> str:
    figures = {"last": number_format(value.get("last_3m", 0), force_grouping=True),
               "previous": number_format(value.get("previous_3m", 0), force_grouping=True)}
    if code == "data_trend":
        text = _("Data use: %(last)s MB in the last 3 months, %(previous)s MB in the 3 months before")
        return text % figures
    return _("Spend: %(last)s in the last 3 months, %(previous)s in the 3 months before") % figures


def factor_text(code: str, value) -> str:
    """One factor of a member's churn risk in words."""
    if code in YES_NO_TEXTS:
        has, has_not, name = YES_NO_TEXTS[code]
        if value is None:
            return _("%(name)s: not known") % {"name": name}
        return str(has if value else has_not)
    if code in COUNT_CODES and isinstance(value, int):
        return _count_text(code, value)
    if code in ("data_trend", "spend_trend") and isinstance(value, dict):
        return _trend_text(code, value)
    if code in VALUE_TEXTS:
        if value in (None, ""):
            shown = _("not known")
        elif code == "payment_plan":
            shown = dict(PaymentPlan.choices).get(value, value)
        elif code == "monthly_charges":
            shown = number_format(value, decimal_pos=2)
        else:
            shown = value
        return str(VALUE_TEXTS[code]) % {"value": shown}
    return f"{code}: {value}"  # a factor of a newer model this code does not know yet


def effect_text(weight: float) -> str:
    return _("raises the risk") if weight > 0 else _("lowers the risk")
