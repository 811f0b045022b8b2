"""The admin's "Partners > Organisations" (staff only; the "Partners" group is registered in
``partners/copromotions/wagtail_hooks.py``): create and edit partners, see each one's
users and pending invitations, and invite a user (the first administrator, typically). Partner
users never come here; they manage their own team in the partner portal."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views.generic import InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet

from . import selectors
from .forms import InviteForm, form_errors_apply
from .models import Partner, PartnerRole
from .services import PartnerUserError, partner_user_invite

INVITE_PERMISSION = "partner_organisations.change_partner"


class PartnerInspectView(InspectView):
    template_name = "partners/admin/partner_inspect.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            team=selectors.partner_team(partner=self.object),
            open_invitations=selectors.partner_invitations_open(partner=self.object),
            can_invite=self.request.user.has_perm(INVITE_PERMISSION),
            **kwargs,
        )


class PartnerViewSet(ModelViewSet):
    model = Partner
    icon = "group"
    name = "partner_organisations"
    menu_label = _("Organisations")
    url_prefix = "partner-organisations"
    inspect_view_enabled = True
    inspect_view_class = PartnerInspectView
    inspect_view_fields = ["name", "slug", "contact_email", "is_active", "created_at"]
    list_display = [
        "name",
        "slug",
        BooleanColumn("is_active", label=_("Active")),
        Column("user_count", label=_("Users"), accessor="user_count"),
    ]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]
    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("contact_email"), FieldPanel("is_active")]

    def get_queryset(self, request):
        return selectors.partners_with_user_count()


class PartnerInviteView(WagtailAdminTemplateMixin, FormView):
    """Staff invite someone to act for a partner (its first administrator, typically)."""

    template_name = "partners/admin/invite.html"
    header_icon = "mail"
    form_class = InviteForm
    page_title = _("Invite a partner user")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(INVITE_PERMISSION):
            raise PermissionDenied
        self.partner = get_object_or_404(Partner, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        has_admin = self.partner.users.filter(role=PartnerRole.ADMIN).exists()
        return {"role": PartnerRole.ANALYST if has_admin else PartnerRole.ADMIN}

    def get_page_subtitle(self):
        return str(self.partner)

    def get_context_data(self, **kwargs):
        back = reverse("partner_organisations:inspect", args=[self.partner.pk])
        return super().get_context_data(partner=self.partner, back_url=back, **kwargs)

    def form_valid(self, form):
        try:
            invitation = partner_user_invite(
                actor=self.request.user, partner=self.partner,
                email=form.cleaned_data["email"], role=form.cleaned_data["role"],
            )
        except PartnerUserError as error:
            form_errors_apply(form, error.errors)
            return self.form_invalid(form)
        messages.success(self.request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
        return redirect("partner_organisations:inspect", self.partner.pk)


@hooks.register("register_admin_urls")
def register_partner_invite_url():
    return [
        path("partner-organisations/<int:pk>/invite/", PartnerInviteView.as_view(),
             name="partner_organisations_invite"),
    ]


