"""The base of the staff screens about one member that other apps add (points ledger, contacts
and caps, account manager and contact log...): the member from the URL's ``member_id``, a
permission checked first, and breadcrumbs under the member's detail."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from club.audit.views import PersonalDataViewAudited

from ..models import Member


class MemberAdminScreen(PersonalDataViewAudited, WagtailAdminTemplateMixin, TemplateView):
    """Subclasses set ``template_name``, ``page_title``, ``header_icon`` and
    ``view_permission`` (``"app_label.codename"``); ``self.member`` is the member. Each GET
    is an audited view of the member's personal data."""

    view_permission: str

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.view_permission):
            raise PermissionDenied
        self.member = get_object_or_404(Member, pk=kwargs["member_id"])
        return super().dispatch(request, *args, **kwargs)

    def audited_member(self):
        return self.member

    def get_page_subtitle(self):
        return str(self.member)

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("member:inspect", args=[self.member.pk]), "label": str(self.member)},
            {"url": "", "label": self.page_title},
        ]
