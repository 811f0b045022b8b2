"""Consistency of a campaign's fields: pure functions, no database (unit-tested)."""

from __future__ import annotations

from celery.schedules import crontab
from django.utils.translation import gettext as _

CRON_FIELDS = ("minute", "hour", "day_of_month", "month_of_year", "day_of_week")
FOREIGN_KEYS = ("reward", "content_page", "event", "bundle", "survey")


def cron_schedule(expression: str) -> crontab:
    """``minute hour day-of-month month day-of-week`` as a Celery crontab; ValueError if bad."""
    parts = expression.split()
    if len(parts) != len(CRON_FIELDS):
        raise ValueError(_("A cron expression has five fields: minute hour day-of-month month "
                           "day-of-week, e.g. '0 10 * * mon'."))
    try:
        return crontab(**dict(zip(CRON_FIELDS, parts, strict=True)))
    except (ValueError, KeyError) as exc:
        raise ValueError(_("Not a valid cron expression: %(error)s") % {"error": exc}) from exc


def _offer_errors(campaign) -> dict[str, str]:
    kind, errors = campaign.offer_kind, {}
    needs = {
        "bonus_points": ("bonus_points", _("How many bonus points does the offer give?")),
        "discount": ("discount_percent", _("What discount does the offer give?")),
        "reward": ("reward", _("Which reward does the offer give?")),
        "content_page": ("content_page", _("Which page does the offer point to?")),
        "event": ("event", _("Which event is the invitation to?")),
        "bundle": ("bundle", _("Which bundle does the offer give?")),
        "survey": ("survey", _("Which survey does the offer ask the member to answer?")),
    }
    # A bundle may come with a discount of its own, on top of the member's.
    optional = {("bundle", "discount_percent")}
    for offer_kind, (field, message) in needs.items():
        value = getattr(campaign, f"{field}_id" if field in FOREIGN_KEYS else field)
        if kind == offer_kind and not value:
            errors[field] = message
        elif kind != offer_kind and value and (kind, field) not in optional:
            errors[field] = _("Only for a '%(kind)s' offer: leave it empty.") % {
                "kind": offer_kind.replace("_", " ")}
    return errors


def _schedule_errors(campaign) -> dict[str, str]:
    kind, errors = campaign.schedule_kind, {}
    if kind == "recurring":
        if not campaign.cron:
            errors["cron"] = _("A recurring campaign needs a cron expression.")
        else:
            try:
                cron_schedule(campaign.cron)
            except ValueError as exc:
                errors["cron"] = str(exc)
    elif campaign.cron:
        errors["cron"] = _("Only for recurring campaigns: leave it empty.")
    if kind == "triggered" and not campaign.trigger:
        errors["trigger"] = _("A triggered campaign needs a trigger.")
    elif kind != "triggered" and campaign.trigger:
        errors["trigger"] = _("Only for triggered campaigns: leave it empty.")
    if kind != "one_shot" and campaign.send_at:
        errors["send_at"] = _("Only for one-shot campaigns: leave it empty.")
    if campaign.go_live_at and campaign.expire_at and campaign.expire_at <= campaign.go_live_at:
        errors["expire_at"] = _("The campaign must expire after it goes live.")
    return errors


def _cap_errors(campaign) -> dict[str, str]:
    errors = {}
    if campaign.max_per_window and not campaign.window_days:
        errors["window_days"] = _("Over how many days may the campaign reach a member that often?")
    if campaign.window_days and not campaign.max_per_window:
        errors["max_per_window"] = _("How many times may the campaign reach a member in the window?")
    if not (campaign.send_portal or campaign.send_email or campaign.send_sms):
        errors["send_portal"] = _("Choose at least one channel.")
    if not campaign.transactional and not campaign.counts_toward_caps:
        errors["counts_toward_caps"] = _("Marketing campaigns always count toward the caps.")
    return errors


def campaign_errors(campaign) -> dict[str, str]:
    """Field name -> message for every inconsistency of ``campaign``'s own fields."""
    return {**_offer_errors(campaign), **_schedule_errors(campaign), **_cap_errors(campaign)}


def messages_errors(*, languages: list[str], sms_texts: list[str], sends_sms: bool) -> list[str]:
    """Problems with a campaign's messages as a whole (the inline forms)."""
    errors = []
    if not languages:
        errors.append(_("Write the message in at least one language."))
    if len(set(languages)) != len(languages):
        errors.append(_("One message per language."))
    if sends_sms and not all(text.strip() for text in sms_texts):
        errors.append(_("The campaign sends SMS: every message needs an SMS text."))
    return errors
