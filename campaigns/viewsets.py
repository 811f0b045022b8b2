"""Admin screens of campaigns (registered in ``campaigns/wagtail_hooks.py``): the campaign
snippet with drafts, revisions, locking, the approval workflow, scheduled publishing and a
live preview of what a member sees on each channel and in each language."""

from __future__ import annotations

from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    PublishingPanel,
    TabbedInterface,
)
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets.button import Button
from wagtail.snippets.views.snippets import EditView, SnippetViewSet

from .forms import CampaignForm
from .models import Campaign


def _channels(campaign: Campaign) -> str:
    return ", ".join(campaign.channels) or "—"


class CampaignEditView(EditView):
    """The editor, with the campaign's reach simulation, sends and results one click away."""

    @cached_property
    def header_more_buttons(self):
        pk = self.object.pk
        return [
            *super().header_more_buttons,
            Button(_("Reach simulation"), url=reverse("sends:reach", args=(pk,)), icon_name="resubmit",
                   priority=30),
            Button(_("Sends"), url=f"{reverse('sends:index')}?campaign={pk}", icon_name="mail", priority=31),
            Button(_("Results"), url=reverse("campaign_reports:detail", args=(pk,)), icon_name="table",
                   priority=32),
        ]


class CampaignViewSet(SnippetViewSet):
    model = Campaign
    edit_view_class = CampaignEditView
    icon = "mail"
    menu_label = _("Campaigns")
    url_prefix = "campaigns/campaigns"
    list_display = [
        "name",
        Column("objective", label=_("Objective"), accessor="get_objective_display"),
        Column("audience", label=_("Audience"), accessor="audience"),
        Column("schedule_kind", label=_("Schedule"), accessor="get_schedule_kind_display"),
        Column("channels", label=_("Channels"), accessor=_channels),
        "priority",
    ]
    list_filter = ["objective", "relationship_tier", "schedule_kind", "offer_kind", "live"]
    search_fields = ["name"]
    ordering = ["-priority", "name"]
    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("name"),
                    FieldRowPanel([FieldPanel("objective"), FieldPanel("relationship_tier")]),
                    FieldPanel("audience"),
                    FieldRowPanel([FieldPanel("priority"), FieldPanel("holdout_percent")]),
                ],
                heading=_("Campaign"),
            ),
            ObjectList(
                [
                    MultiFieldPanel(
                        [
                            FieldPanel("offer_kind"),
                            FieldRowPanel([FieldPanel("bonus_points"), FieldPanel("discount_percent")]),
                            FieldPanel("reward"),
                            FieldPanel("content_page"),
                            FieldPanel("event"),
                            FieldPanel("bundle"),
                            FieldPanel("survey"),
                            FieldPanel("offer_valid_days"),
                        ],
                        heading=_("Offer"),
                    ),
                    InlinePanel(
                        "messages", label=_("Message"), min_num=1,
                        panels=[FieldPanel("language"), FieldPanel("title"), FieldPanel("body"),
                                FieldPanel("sms_text")],
                    ),
                ],
                heading=_("Offer and messages"),
            ),
            ObjectList(
                [
                    MultiFieldPanel(
                        [
                            FieldRowPanel([FieldPanel("send_portal"), FieldPanel("send_email"),
                                           FieldPanel("send_sms")]),
                            FieldRowPanel([FieldPanel("transactional"), FieldPanel("counts_toward_caps")]),
                        ],
                        heading=_("Channels"),
                    ),
                    MultiFieldPanel(
                        [
                            FieldPanel("schedule_kind"),
                            FieldPanel("send_at"),
                            FieldPanel("cron"),
                            FieldPanel("trigger"),
                        ],
                        heading=_("Schedule"),
                        help_text=_("The campaign sends only while it is live: set its go-live and "
                                    "expiry under Publishing."),
                    ),
                    PublishingPanel(),
                ],
                heading=_("Channels and schedule"),
            ),
            ObjectList(
                [
                    MultiFieldPanel(
                        [
                            FieldRowPanel([FieldPanel("max_per_window"), FieldPanel("window_days")]),
                            FieldRowPanel([FieldPanel("min_gap_hours"), FieldPanel("lifetime_max")]),
                        ],
                        heading=_("How often this campaign may reach a member"),
                        help_text=_("Caps across campaigns and channels are in the contact policy; "
                                    "members' own limits and quiet hours always apply."),
                    ),
                    FieldRowPanel([FieldPanel("budget"), FieldPanel("cost_per_delivery")]),
                ],
                heading=_("Caps and budget"),
            ),
        ],
        base_form_class=CampaignForm,
    )
