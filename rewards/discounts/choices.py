"""The words of the discount schedules (no database: the pure quote uses them too)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from club.members.models.choices import CustomerType

ALL_CUSTOMER_TYPES = "all"
CUSTOMER_TYPE_CHOICES = [(ALL_CUSTOMER_TYPES, _("All customer types")), *CustomerType.choices]


class Stacking(models.TextChoices):
    BEST_OF = "best_of", _("Best of volume and tenure")
    SUM_CAPPED = "sum_capped", _("Sum of volume and tenure, up to a cap")


class DiscountKind(models.TextChoices):
    VOLUME = "volume", _("Volume")
    TENURE = "tenure", _("Tenure")
    OFFER = "offer", _("Offer")
