from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.fields import StreamField
from wagtail.models import LockableMixin, PreviewableMixin, RevisionMixin

from .blocks import condition_blocks


class Match(models.TextChoices):
    ALL = "all", _("Members who match every condition")
    ANY = "any", _("Members who match at least one condition")


class Audience(LockableMixin, RevisionMixin, PreviewableMixin, models.Model):
    """A saved segment: conditions over member attributes, built in the admin without code and
    evaluated set-based in SQL (``selectors.audience_members``). Campaigns reuse audiences and
    refer to them with ``on_delete=PROTECT``.

    The preview is the live count: while a marketer edits, Wagtail's preview panel renders
    the unsaved conditions' counts (``preview.py``).
    """

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    match = models.CharField(_("match"), max_length=3, choices=Match.choices, default=Match.ALL)
    conditions = StreamField(
        condition_blocks(), blank=True, verbose_name=_("conditions"),
        help_text=_("Leave empty for every active member."),
    )
    # The last count, kept for the list screen (a count per row would be one heavy query
    # each); refreshed after each save and by the nightly task.
    member_count = models.PositiveIntegerField(_("members"), null=True, blank=True, editable=False)
    counted_at = models.DateTimeField(_("counted at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("audience")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def preview_modes(self):
        return [("", _("Live count"))]

    def serve_preview(self, request, mode_name):
        from .preview import audience_preview_response

        return audience_preview_response(audience=self, request=request, mode=mode_name)
