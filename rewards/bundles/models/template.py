"""Bundle templates: a named set of components with default quantities, for some segments and
a payment plan. A snippet with drafts, revisions, publish/unpublish and locking: only the
published (live) version is offered and ordered."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import DraftStateMixin, LockableMixin, Orderable, RevisionMixin

from ..choices import SEGMENT_CHOICES, PlanFit
from ..pricing import TemplateLine, list_price
from ..validation import template_problems
from .component import MONEY, BundleComponent

DEFAULT_RETURN_WINDOW_DAYS = 14


class BundleTemplate(DraftStateMixin, LockableMixin, RevisionMixin, ClusterableModel):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    target_segments = models.JSONField(
        _("target segments"),
        default=list,
        blank=True,
        help_text=_("The member segments this bundle is for. None ticked: every member."),
    )
    plan_fit = models.CharField(_("payment plan"), max_length=8, choices=PlanFit.choices, default=PlanFit.ANY)
    monthly_spending_cap = models.DecimalField(
        _("monthly spending cap"),
        null=True,
        blank=True,
        **MONEY,
        help_text=_("Prepaid packs only: the most the line may spend in a month. Empty: no cap."),
    )
    validity_days = models.PositiveSmallIntegerField(
        _("validity (days)"), default=30, validators=[MinValueValidator(1)]
    )
    return_window_days = models.PositiveSmallIntegerField(
        _("return window (days)"),
        default=DEFAULT_RETURN_WINDOW_DAYS,
        help_text=_("Members may return the bundle this many days after ordering. 0: no returns."),
    )
    quality_promise = models.CharField(
        _("quality promise"),
        max_length=200,
        blank=True,
        default="",
        help_text=_(
            "A promise on network quality shown with the bundle, e.g. “4G+ priority: at least 10 Mbit/s "
            "or the month's data back”. The recommender offers a bundle with a promise first to "
            "Performance Seekers. Empty: no promise."
        ),
    )

    class Meta:
        verbose_name = _("bundle template")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(validity_days__gte=1), name="bundle_template_validity_positive"
            ),
            models.CheckConstraint(
                condition=Q(monthly_spending_cap__isnull=True)
                | Q(plan_fit=PlanFit.PREPAID, monthly_spending_cap__gt=0),
                name="bundle_template_cap_prepaid_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        problems = template_problems(
            plan_fit=self.plan_fit,
            monthly_spending_cap=self.monthly_spending_cap,
            quantum=settings.OPERATOR_CURRENCY_QUANTUM,
            currency=settings.OPERATOR_CURRENCY,
        )
        if problems:
            raise ValidationError(problems)

    def template_lines(self) -> list[TemplateLine]:
        return [TemplateLine(line.component.terms(), line.quantity) for line in self.lines.all()]

    @property
    def list_price(self):
        """sum(default quantity × unit price), on the currency's minor unit."""
        return list_price(
            lines=[(line.component, line.default_quantity) for line in self.template_lines()],
            quantum=settings.OPERATOR_CURRENCY_QUANTUM,
        )

    @property
    def target_segments_label(self) -> str:
        if not self.target_segments:
            return str(_("Every segment"))
        labels = dict(SEGMENT_CHOICES)
        return ", ".join(str(labels.get(value, value)) for value in self.target_segments)

    def suits(self, *, segment: str, payment_plan: str) -> bool:
        """For a member of this segment and payment plan?"""
        plan_ok = self.plan_fit == PlanFit.ANY or self.plan_fit == payment_plan
        return plan_ok and (not self.target_segments or segment in self.target_segments)


class BundleTemplateLine(Orderable):
    template = ParentalKey(BundleTemplate, on_delete=models.CASCADE, related_name="lines")
    component = models.ForeignKey(
        BundleComponent, on_delete=models.PROTECT, related_name="+", verbose_name=_("component")
    )
    quantity = models.PositiveIntegerField(_("default quantity"))

    class Meta(Orderable.Meta):
        verbose_name = _("bundle line")
        constraints = [
            models.UniqueConstraint(fields=["template", "component"], name="bundle_line_component_once"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.component_id}"
