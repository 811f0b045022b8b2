from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.fields import StreamField
from wagtail.models import LockableMixin, RevisionMixin

from .blocks import condition_blocks


class Match(models.TextChoices):
    ALL = "all", _("Members who match every condition")
    ANY = "any", _("Members who match at least one condition")


class Audience(LockableMixin, RevisionMixin, models.Model):
    """A saved segment: conditions over member attributes, built in the admin without code and
    evaluated set-based in SQL. Campaigns reuse audiences."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    match = models.CharField(_("match"), max_length=3, choices=Match.choices, default=Match.ALL)
    conditions = StreamField(condition_blocks(), blank=True, verbose_name=_("conditions"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("audience")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
