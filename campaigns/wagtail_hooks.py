"""The "Campaigns" admin menu: one group for every screen of frequency marketing.

Each campaigns app defines its viewsets in its own ``viewsets.py`` (no registration there);
this module is the one place that registers them, in menu order.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup

CAMPAIGNS_MENU_ORDER = 130  # below Rewards (120)


def _campaigns_viewsets() -> list:
    """The viewsets of the Campaigns group, in menu order."""
    from campaigns.audiences.viewsets import AudienceViewSet
    from campaigns.contact.viewsets import contact_viewsets
    from campaigns.reports.viewsets import CampaignReportsViewSet
    from campaigns.sends.viewsets import SendRunViewSet
    from campaigns.viewsets import CampaignViewSet

    return [
        CampaignViewSet(),
        AudienceViewSet(),
        *contact_viewsets(),
        SendRunViewSet(),
        CampaignReportsViewSet(),
    ]


class CampaignsGroup(ViewSetGroup):
    menu_label = _("Campaigns")
    menu_icon = "mail"
    menu_order = CAMPAIGNS_MENU_ORDER
    items = ()

    def __init__(self):
        self.items = tuple(_campaigns_viewsets())
        super().__init__()


@hooks.register("register_admin_viewset")
def register_campaigns_group():
    return CampaignsGroup()
