import datetime as dt
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting

from club.audit.models import Audited

MONEY = {"max_digits": 18, "decimal_places": 2}


def _cap(label: str, default: int | None):
    return models.PositiveSmallIntegerField(
        label, null=True, blank=True, default=default, validators=[MinValueValidator(1)],
        help_text=_("Empty: no cap."),
    )


def _window(default: int):
    return models.PositiveSmallIntegerField(
        _("in (days)"), default=default, validators=[MinValueValidator(1)]
    )


class ContactPolicy(Audited, BaseGenericSetting):
    """The caps across campaigns, edited under Settings → Contact policy.

    Channel caps count a member's marketing deliveries on one channel (and exempt messages that
    still count). The fatigue cap counts emails and SMS plus portal offers the member has
    actually seen. Windows are rolling: the last ``N × 24`` hours.
    """

    portal_max = _cap(_("portal offers at most"), None)
    portal_window_days = _window(7)
    email_max = _cap(_("emails at most"), 4)
    email_window_days = _window(7)
    sms_max = _cap(_("SMS at most"), 3)
    sms_window_days = _window(7)
    fatigue_max = _cap(_("contacts at most (all channels, seen portal offers included)"), 6)
    fatigue_window_days = _window(7)
    quiet_hours_start = models.TimeField(
        _("quiet hours from"), null=True, blank=True, default=dt.time(21, 0),
        help_text=_("For members who set none; in each member's own time zone."),
    )
    quiet_hours_end = models.TimeField(_("quiet hours until"), null=True, blank=True, default=dt.time(8, 0))
    portal_cost = models.DecimalField(_("cost of a portal offer"), default=Decimal(0), **MONEY)
    email_cost = models.DecimalField(_("cost of an email"), default=Decimal(0), **MONEY)
    sms_cost = models.DecimalField(_("cost of an SMS"), default=Decimal(0), **MONEY)

    panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("sms_max"), FieldPanel("sms_window_days")]),
                FieldRowPanel([FieldPanel("email_max"), FieldPanel("email_window_days")]),
                FieldRowPanel([FieldPanel("portal_max"), FieldPanel("portal_window_days")]),
            ],
            heading=_("Per channel, across campaigns (marketing)"),
        ),
        FieldRowPanel([FieldPanel("fatigue_max"), FieldPanel("fatigue_window_days")],
                      heading=_("Fatigue, across channels")),
        FieldRowPanel([FieldPanel("quiet_hours_start"), FieldPanel("quiet_hours_end")],
                      heading=_("Default quiet hours")),
        FieldRowPanel([FieldPanel("sms_cost"), FieldPanel("email_cost"), FieldPanel("portal_cost")],
                      heading=_("Channel costs")),
    ]

    class Meta:
        verbose_name = _("contact policy")

    def channel_cap(self, channel: str) -> tuple[int | None, int]:
        return getattr(self, f"{channel}_max"), getattr(self, f"{channel}_window_days")

    def channel_cost(self, channel: str) -> Decimal:
        return getattr(self, f"{channel}_cost")
