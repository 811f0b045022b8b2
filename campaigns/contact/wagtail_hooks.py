"""Contact admin: the member's "Contacts and caps" screen (linked from the member's detail)
and the contact policy under Settings. The Deliveries and Suppressions listings are registered
with the Campaigns menu in ``campaigns/wagtail_hooks.py``."""

from __future__ import annotations

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.contrib.settings.registry import register_setting

from club.members.admin.inspect import MEMBER_ADMIN_LINKS_HOOK, MemberAdminLink

from .admin_views import VIEW_PERMISSION, MemberContactsView
from .models import ContactPolicy
from .selectors import member_contact_counts

register_setting(ContactPolicy, icon="mail")


@hooks.register("register_admin_urls")
def register_contact_urls():
    return [
        path("campaigns/contacts/<int:member_id>/", MemberContactsView.as_view(),
             name="contact_member_history"),
    ]


@hooks.register(MEMBER_ADMIN_LINKS_HOOK)
def member_contacts_link(member, request):
    if not request.user.has_perm(VIEW_PERMISSION):
        return []
    counts = member_contact_counts(member_id=member.pk)
    return [
        MemberAdminLink(
            label=str(_("Contacts and caps")),
            url=reverse("contact_member_history", args=[member.pk]),
            summary=str(_("%(delivered)d deliveries, %(suppressed)d suppressions")) % counts,
        )
    ]
