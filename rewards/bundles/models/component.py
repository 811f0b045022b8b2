"""Bundle components: the building blocks a bundle is made of (data, minutes, SMS, add-ons)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import RevisionMixin

from ..choices import AddonService, ComponentKind
from ..pricing import ComponentTerms
from ..validation import component_problems

# Money in the operator's currency: the discounts app's convention (amounts are quantised to
# ``settings.OPERATOR_CURRENCY_QUANTUM`` when they are added up).
MONEY = {"max_digits": 18, "decimal_places": 2}


class BundleComponent(RevisionMixin, models.Model):
    """One thing a bundle can hold, priced per unit. A snippet with revisions; an inactive
    component is offered in no bundle (templates holding it cannot be ordered)."""

    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("Stable name the billing system receives, e.g. “data-gb”."),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ComponentKind.choices)
    name = models.CharField(_("name"), max_length=120)
    unit_label = models.CharField(_("unit"), max_length=20, help_text=_("e.g. GB, min, SMS, month."))
    unit_price = models.DecimalField(
        _("unit price"),
        validators=[MinValueValidator(0)],
        **MONEY,
        help_text=_("In the operator's currency, for one unit."),
    )
    min_quantity = models.PositiveIntegerField(_("smallest quantity"), default=0)
    max_quantity = models.PositiveIntegerField(_("largest quantity"))
    step = models.PositiveIntegerField(_("step"), default=1, validators=[MinValueValidator(1)])
    active = models.BooleanField(_("active"), default=True)
    addon_service = models.CharField(
        _("add-on service"),
        max_length=20,
        choices=AddonService.choices,
        blank=True,
        default="",
        help_text=_(
            "For add-ons: the service of the billing data this component is. The bundle recommender "
            "switches it on for members who are likely to want it and leaves it off for members who "
            "already have it. Empty: the recommender keeps the template's quantity."
        ),
    )
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="bundle_component")

    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("kind")]),
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("unit_label"), FieldPanel("unit_price")], heading=_("Price")),
        FieldRowPanel(
            [FieldPanel("min_quantity"), FieldPanel("max_quantity"), FieldPanel("step")],
            heading=_("Quantities"),
        ),
        FieldPanel("addon_service"),
        FieldPanel("active"),
    ]

    class Meta:
        verbose_name = _("bundle component")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="bundle_component_price_not_negative"
            ),
            models.CheckConstraint(condition=Q(step__gte=1), name="bundle_component_step_positive"),
            models.CheckConstraint(
                condition=Q(max_quantity__gte=F("min_quantity")), name="bundle_component_quantities_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        problems = component_problems(
            unit_price=self.unit_price,
            min_quantity=self.min_quantity,
            max_quantity=self.max_quantity,
            step=self.step,
        )
        if problems:
            raise ValidationError(problems)

    @property
    def unit_price_label(self) -> str:
        return (
            f"{self.unit_price.quantize(settings.OPERATOR_CURRENCY_QUANTUM):,} {settings.OPERATOR_CURRENCY}"
        )

    def terms(self) -> ComponentTerms:
        return ComponentTerms(
            code=self.code,
            name=self.name,
            unit_label=self.unit_label,
            unit_price=self.unit_price,
            min_quantity=self.min_quantity,
            max_quantity=self.max_quantity,
            step=self.step,
            active=self.active,
            kind=self.kind,
            addon_service=self.addon_service,
        )
