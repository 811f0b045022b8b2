"""Satisfaction surveys on DOMAIN.md's five dimensions, plus NPS (docs/care.md).

Each dimension is asked twice: how satisfied the member is (1-5) and how important it is to
them (1-5); together they place the dimension in the importance x satisfaction matrix.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Dimension(models.TextChoices):
    PRODUCT = "product", _("Product quality")
    PRE_SALE = "pre_sale", _("Pre-sale service")
    IN_SALE = "in_sale", _("In-sale service")
    AFTER_SALE = "after_sale", _("After-sale service")
    MANAGER = "manager", _("Account manager service")


DIMENSION_HINTS = {
    Dimension.PRODUCT: _("Reliability of the network, fit to your needs."),
    Dimension.PRE_SALE: _("Information before you buy, easy enquiries."),
    Dimension.IN_SALE: _("Easy ordering, fast activation."),
    Dimension.AFTER_SALE: _("Easy bill enquiries, easy fault reporting, fast repair."),
    Dimension.MANAGER: _("Your account manager: proactive, coordinated, competent."),
}

SCALE_MIN, SCALE_MAX = 1, 5
NPS_MIN, NPS_MAX = 0, 10


def satisfaction_field(dimension: str) -> str:
    return f"{dimension}_satisfaction"


def importance_field(dimension: str) -> str:
    return f"{dimension}_importance"


class Survey(models.Model):
    title = models.CharField(_("title"), max_length=120)
    intro = models.TextField(_("introduction"), blank=True,
                             help_text=_("Shown above the questions."))
    live = models.BooleanField(_("open for answers"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_portal_url(self) -> str:
        """Where a member answers it (the link a campaign's message points to)."""
        return reverse("portal:survey_answer", args=[self.pk])


class SurveyResponse(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses",
                               verbose_name=_("survey"))
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("member"))
    product_satisfaction = models.PositiveSmallIntegerField(_("product quality: satisfaction"))
    product_importance = models.PositiveSmallIntegerField(_("product quality: importance"))
    pre_sale_satisfaction = models.PositiveSmallIntegerField(_("pre-sale service: satisfaction"))
    pre_sale_importance = models.PositiveSmallIntegerField(_("pre-sale service: importance"))
    in_sale_satisfaction = models.PositiveSmallIntegerField(_("in-sale service: satisfaction"))
    in_sale_importance = models.PositiveSmallIntegerField(_("in-sale service: importance"))
    after_sale_satisfaction = models.PositiveSmallIntegerField(_("after-sale service: satisfaction"))
    after_sale_importance = models.PositiveSmallIntegerField(_("after-sale service: importance"))
    manager_satisfaction = models.PositiveSmallIntegerField(_("account manager service: satisfaction"))
    manager_importance = models.PositiveSmallIntegerField(_("account manager service: importance"))
    nps = models.PositiveSmallIntegerField(_("likelihood to recommend (0-10)"))
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    answered_at = models.DateTimeField(_("answered at"))

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-answered_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "member"], name="care_one_response_per_member"),
            models.CheckConstraint(condition=Q(nps__gte=NPS_MIN, nps__lte=NPS_MAX),
                                   name="care_response_nps_range"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{field}__gte": SCALE_MIN, f"{field}__lte": SCALE_MAX}),
                    name=f"care_response_{field}_range",
                )
                for dimension in Dimension.values
                for field in (satisfaction_field(dimension), importance_field(dimension))
            ],
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.member_id}"
