"""Club membership in the admin: a "Membership" menu (memberships, Stripe events, prices) and
the earning rules under Settings."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.contrib.settings.registry import register_setting

from .models import MembershipSettings
from .viewsets import MembershipPriceViewSet, MembershipViewSet, StripeEventViewSet

register_setting(MembershipSettings, icon="group")

# Next to the "Club" menu of club events (125), above Campaigns (130): the layer order.
MEMBERSHIP_MENU_ORDER = 126


class MembershipGroup(ViewSetGroup):
    menu_label = _("Membership")
    menu_icon = "group"
    menu_name = "club_membership"
    menu_order = MEMBERSHIP_MENU_ORDER
    items = ()

    def __init__(self):
        self.items = (MembershipViewSet(), StripeEventViewSet(), MembershipPriceViewSet())
        super().__init__()


@hooks.register("register_admin_viewset")
def register_membership_group():
    return MembershipGroup()
