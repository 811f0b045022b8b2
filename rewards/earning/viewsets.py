"""Admin screens of the earning app (registered in ``rewards/wagtail_hooks.py``): earning
rule snippets with drafts, revisions and publish/unpublish; multipliers inline."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.snippets.views.snippets import SnippetViewSet

from club.members.models import Segment

from .models import EarningRule


class EarningRuleForm(WagtailAdminModelForm):
    segments = forms.MultipleChoiceField(
        label=_("Only for segments"), choices=[c for c in Segment.choices if c[0]],
        widget=forms.CheckboxSelectMultiple, required=False,
        help_text=_("The rule applies only to members of these segments. None ticked: every member."),
    )


class EarningRuleViewSet(SnippetViewSet):
    model = EarningRule
    icon = "success"
    menu_label = _("Earning rules")
    url_prefix = "rewards/earning-rules"
    list_display = [
        "name",
        Column("event_kind", label=_("Applies to"), accessor="get_event_kind_display"),
        Column("stacking", label=_("Stacking"), accessor="get_stacking_display"),
        "priority",
        Column("cap", label=_("Cap"), accessor=lambda rule: (
            f"{rule.cap_points} / {rule.get_cap_period_display()}" if rule.cap_points is not None else "—"
        )),
        DateColumn("valid_from", label=_("Valid from")),
        DateColumn("valid_until", label=_("Valid until")),
    ]
    list_filter = ["event_kind", "stacking", "live"]
    search_fields = ["name"]
    ordering = ["-priority", "name"]
    edit_handler = ObjectList([
        FieldRowPanel([FieldPanel("name"), FieldPanel("event_kind")]),
        FieldPanel("segments"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("amount_points"), FieldPanel("amount_step")]),
                FieldRowPanel([FieldPanel("data_points"), FieldPanel("data_step_mb")]),
                FieldRowPanel([FieldPanel("voice_points"), FieldPanel("voice_step_minutes")]),
                FieldRowPanel([FieldPanel("sms_points"), FieldPanel("sms_step")]),
                FieldRowPanel(
                    [FieldPanel("anniversary_points"), FieldPanel("anniversary_scales_with_years")]
                ),
            ],
            heading=_("Points"),
            help_text=_("Whole steps only: 1 point per 10,000 VND gives 45 points for 459,999 VND."),
        ),
        MultiFieldPanel(
            [
                FieldPanel("apply_tier_multiplier"),
                InlinePanel("multipliers", label=_("Multiplier"),
                            panels=[FieldRowPanel([FieldPanel("dimension"), FieldPanel("value"),
                                                   FieldPanel("multiplier")])]),
            ],
            heading=_("Multipliers (multiplied together)"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("cap_points"), FieldPanel("cap_period")]),
                FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_until")]),
                FieldRowPanel([FieldPanel("stacking"), FieldPanel("priority")]),
            ],
            heading=_("Caps, validity and stacking"),
        ),
    ], base_form_class=EarningRuleForm)
