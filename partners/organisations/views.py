"""The partner portal's own pages: dashboard, team, invitations, and the invitation link
(docs/partners.md, "Partner users and the portal"). Views parse, authorise, call one service,
render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import selectors
from .access import access_partner_object, partner_admin_required, partner_user_required
from .forms import InviteForm, RoleForm, SetPasswordForm, form_errors_apply
from .middleware import session_partner_user_flag_set
from .models import PartnerInvitation, PartnerUser
from .services import (
    InvitationStep,
    PartnerUserError,
    invitation_state,
    partner_invitation_accept,
    partner_invitation_revoke,
    partner_user_invite,
    partner_user_remove,
    partner_user_role_change,
)
from .services.invitations import CLOSED_MESSAGES


@partner_user_required
def dashboard(request: HttpRequest) -> HttpResponse:
    summary = selectors.partner_summary(partner=request.partner_user.partner)
    return render(request, "partners/portal/dashboard.html", {"summary": summary})


def _team_page(request: HttpRequest, invite_form: InviteForm | None = None, status: int = 200
               ) -> HttpResponse:
    partner = request.partner_user.partner
    context = {
        "members": selectors.partner_team(partner=partner),
        "invite_form": invite_form or InviteForm(),
        "roles": RoleForm().fields["role"].choices,
        "open_invitations_count": len(selectors.partner_invitations_open(partner=partner)),
    }
    return render(request, "partners/portal/team.html", context, status=status)


@partner_user_required
def team(request: HttpRequest) -> HttpResponse:
    return _team_page(request)


@require_POST
@partner_admin_required
def team_invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation = partner_user_invite(
                actor=request.user, partner=request.partner_user.partner,
                email=form.cleaned_data["email"], role=form.cleaned_data["role"],
            )
        except PartnerUserError as error:
            form_errors_apply(form, error.errors)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect("partners:team")
    return _team_page(request, invite_form=form, status=400)


@require_POST
@partner_admin_required
def team_role_change(request: HttpRequest, partner_user_id: int) -> HttpResponse:
    target = access_partner_object(request, PartnerUser.objects.all(), partner_user_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role: administrator or analyst."))
        return redirect("partners:team")
    try:
        partner_user_role_change(
            actor=request.user, partner=request.partner_user.partner, partner_user_id=target.pk,
            role=form.cleaned_data["role"],
        )
    except PartnerUserError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Role changed."))
    return redirect("partners:team")


@require_POST
@partner_admin_required
def team_remove(request: HttpRequest, partner_user_id: int) -> HttpResponse:
    target = access_partner_object(request, PartnerUser.objects.all(), partner_user_id)
    try:
        partner_user_remove(
            actor=request.user, partner=request.partner_user.partner, partner_user_id=target.pk
        )
    except PartnerUserError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Removed from the team."))
    return redirect("partners:team")


@partner_user_required
def invitations(request: HttpRequest) -> HttpResponse:
    open_invitations = selectors.partner_invitations_open(partner=request.partner_user.partner)
    return render(request, "partners/portal/invitations.html", {"open_invitations": open_invitations})


@require_POST
@partner_admin_required
def invitation_revoke(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = access_partner_object(request, PartnerInvitation.objects.all(), invitation_id)
    if partner_invitation_revoke(actor=request.user, partner=request.partner_user.partner,
                                 invitation_id=invitation.pk):
        messages.success(request, _("Invitation withdrawn."))
    else:
        messages.error(request, _("This invitation was no longer open."))
    return redirect("partners:invitations")


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link (no login needed): set a password, or confirm as the logged-in login."""
    state = invitation_state(token=token, current_user=request.user)
    form = SetPasswordForm(request.POST or None) if state.step == InvitationStep.SET_PASSWORD else None
    error = None
    if request.method == "POST" and state.step in (InvitationStep.SET_PASSWORD, InvitationStep.CONFIRM):
        if form is None or form.is_valid():
            try:
                acceptance = partner_invitation_accept(
                    token=token, current_user=request.user,
                    password=form.cleaned_data["password1"] if form is not None else None,
                )
            except PartnerUserError as refused:
                if form is not None:
                    form_errors_apply(form, refused.errors)
                else:
                    error = refused.message
            else:
                return _accepted(request, acceptance)
    if request.method == "POST" and state.step == InvitationStep.OTHER_LOGIN and "logout" in request.POST:
        logout(request)
        return redirect(request.get_full_path())
    context = {
        "state": state, "step": state.step.value, "form": form, "error": error,
        "closed_message": CLOSED_MESSAGES.get(state.step),
        "login_url": f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}",
    }
    status = 200 if state.step != InvitationStep.INVALID else 404
    if request.method == "POST" and (error or (form is not None and form.errors)):
        status = 400
    return render(request, "partners/portal/invitation.html", context, status=status)


def _accepted(request: HttpRequest, acceptance) -> HttpResponse:
    partner_name = acceptance.partner_user.partner.name
    if request.user.is_authenticated:
        session_partner_user_flag_set(request, request.user)
        messages.success(request, _("You joined %(partner)s. Set up two-factor authentication to continue.")
                         % {"partner": partner_name})
        return redirect("partners:dashboard")
    messages.success(request, _("Your password is set. Log in to continue to the %(partner)s portal.")
                     % {"partner": partner_name})
    return redirect(f"{reverse('account_login')}?{urlencode({'next': reverse('partners:dashboard')})}")
