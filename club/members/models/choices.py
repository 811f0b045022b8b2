from django.db import models
from django.utils.translation import gettext_lazy as _


class CustomerType(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    HOUSEHOLD = "household", _("Household")
    ENTERPRISE = "enterprise", _("Enterprise")
    GOVERNMENT = "government", _("Government")


class PaymentPlan(models.TextChoices):
    PREPAID = "prepaid", _("Prepaid")
    POSTPAID = "postpaid", _("Postpaid")


class TariffKind(models.TextChoices):
    FLAT_RATE = "flat_rate", _("Flat rate")
    METERED = "metered", _("Metered (time or volume based)")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    IN_ARREARS = "in_arrears", _("In arrears")
    CHURNED = "churned", _("Churned")


class ChurnReason(models.TextChoices):
    NONE = "", _("—")
    LOST_TO_COMPETITOR = "lost_to_competitor", _("Lost to a competitor (ported out)")
    NON_PAYMENT = "non_payment", _("Disconnected for non-payment")
    VOLUNTARY = "voluntary", _("Left voluntarily")
    OTHER = "other", _("Other")


class Segment(models.TextChoices):
    """The six ConsumerLab segments of DOMAIN.md section 2."""

    NONE = "", _("Not classified")
    PERFORMANCE_SEEKERS = "performance_seekers", _("Performance Seekers")
    DEVICERS = "devicers", _("Devicers")
    VIP = "vip", _("VIP")
    COST_CUTTERS = "cost_cutters", _("Cost Cutters")
    CURIOUS_NOVICES = "curious_novices", _("Curious Novices")
    CONTROL_SEEKERS = "control_seekers", _("Control Seekers")


class ConsentPurpose(models.TextChoices):
    MARKETING = "marketing", _("Marketing messages")
    PROFILING = "profiling", _("Profiling from usage data")
    CHANNEL_EMAIL = "channel_email", _("Email")
    CHANNEL_SMS = "channel_sms", _("SMS")
    CHANNEL_PORTAL = "channel_portal", _("Portal inbox")


class Channel(models.TextChoices):
    PORTAL = "portal", _("Portal inbox")
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
