"""The words of custom bundles (no database: the pure pricing and validation use them too)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from club.members.models.choices import PaymentPlan, Segment


class ComponentKind(models.TextChoices):
    DATA = "data", _("Data (GB)")
    VOICE = "voice", _("Voice minutes")
    SMS = "sms", _("SMS")
    ADD_ON = "add_on", _("Add-on (streaming, device protection...)")
    PARTNER = "partner", _("Partner service")


ANY_PLAN = "any"


class PlanFit(models.TextChoices):
    """Which payment plan a bundle template suits."""

    ANY = ANY_PLAN, _("Any payment plan")
    PREPAID = PaymentPlan.PREPAID.value, PaymentPlan.PREPAID.label
    POSTPAID = PaymentPlan.POSTPAID.value, PaymentPlan.POSTPAID.label


# The segments a template may target (``Member.segment``); none ticked: every member.
SEGMENT_CHOICES = [(value, label) for value, label in Segment.choices if value]


class OrderSource(models.TextChoices):
    PORTAL = "portal", _("Member portal")
    CAMPAIGN = "campaign", _("Campaign offer")
    STAFF = "staff", _("Staff")


class OrderStatus(models.TextChoices):
    PLACED = "placed", _("Placed")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged by billing")
    RETURNED = "returned", _("Returned")


class OutboxAction(models.TextChoices):
    ACTIVATE = "activate", _("Activate")
    DEACTIVATE = "deactivate", _("Deactivate")


class OutboxState(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")


class AddonService(models.TextChoices):
    """The add-on services of the billing data (the telco sample's columns, imported as member
    attributes with these keys, "Yes"/"No"/"No internet service"): what the add-on recommender
    learns from. A component that *is* one of them says so, so the recommender can switch it on."""

    ONLINE_SECURITY = "online_security", _("Online security")
    ONLINE_BACKUP = "online_backup", _("Online backup")
    DEVICE_PROTECTION = "device_protection", _("Device protection")
    TECH_SUPPORT = "tech_support", _("Tech support")
    STREAMING_TV = "streaming_tv", _("Streaming TV")
    STREAMING_MOVIES = "streaming_movies", _("Streaming movies")
