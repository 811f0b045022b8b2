"""The churn model the product scores with: a fitted logistic regression as JSON, with how it
was measured. Many versions are kept (a refit never overwrites the one it replaces); exactly
one is active, a database constraint says so."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ChurnModel(models.Model):
    version = models.PositiveIntegerField(_("version"), unique=True)
    fitted_at = models.DateTimeField(_("fitted at"))
    source = models.CharField(_("trained on"), max_length=200,
                              help_text=_("The operator's own members, or the name of a CSV file."))
    # {"numeric": [names], "categories": {name: [values]}}: the columns, in order.
    features = models.JSONField(_("features"))
    # {"mean": [...], "scale": [...]}: the standardisation of each column.
    scaling = models.JSONField(_("scaling"))
    coefficients = models.JSONField(_("coefficients"))
    intercept = models.FloatField(_("intercept"))
    auc = models.FloatField(_("held-out ROC AUC"))
    # [{"low", "high", "count", "mean_predicted", "observed_rate"}] over the held-out rows.
    calibration = models.JSONField(_("calibration table"), default=list)
    training_rows = models.PositiveIntegerField(_("training rows"))
    test_rows = models.PositiveIntegerField(_("held-out rows"))
    training_churn_rate = models.FloatField(_("churn rate of the training rows"))
    seed = models.PositiveIntegerField(_("split seed"))
    active = models.BooleanField(_("active"), default=False)

    class Meta:
        verbose_name = _("churn model")
        verbose_name_plural = _("churn models")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["active"], condition=Q(active=True),
                                    name="profiles_one_active_churn_model"),
            models.CheckConstraint(condition=Q(auc__gte=0) & Q(auc__lte=1), name="profiles_churn_auc_0_1"),
        ]

    def __str__(self) -> str:
        return f"churn model v{self.version} (AUC {self.auc:.3f})"
