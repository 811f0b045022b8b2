"""The admin answer to "why did member X (not) get campaign Y?": the member's deliveries and
suppressions with their reasons, and where each cap stands now. Registered in
``wagtail_hooks.py``; linked from the member's admin page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from club.members.admin.member_screen import MemberAdminScreen

from .selectors import member_cap_status, member_contact_history

VIEW_PERMISSION = "contact.view_delivery"
RECORDS_PER_PAGE = 50


class MemberContactsView(MemberAdminScreen):
    template_name = "contact/admin/member_contacts.html"
    page_title = _("Contacts and caps")
    header_icon = "mail"
    view_permission = VIEW_PERMISSION

    def _campaign_id(self) -> int | None:
        value = self.request.GET.get("campaign", "")
        return int(value) if value.isdigit() else None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign_id = self._campaign_id()
        records = member_contact_history(member_id=self.member.pk, campaign_id=campaign_id)
        campaign_ids = {r.campaign_id for r in member_contact_history(member_id=self.member.pk)}
        context.update(
            member=self.member,
            records=Paginator(records, RECORDS_PER_PAGE).get_page(self.request.GET.get("p")),
            campaign_id=campaign_id,
            campaigns=Campaign.objects.filter(pk__in=campaign_ids).order_by("name"),
            caps=member_cap_status(member_id=self.member.pk),
        )
        return context
