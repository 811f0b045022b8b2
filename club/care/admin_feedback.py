"""Staff screens of complaints and surveys (registered in ``wagtail_hooks.py``): one complaint's
screen (take it, assign it, answer the member, resolve with goodwill points, close) and the
importance x satisfaction report. Each parses, checks a permission, calls one service, renders."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import AdminDateInput

from club.audit.views import PersonalDataViewAudited

from .matrix_chart import matrix_svg, plotted
from .models import Complaint, Survey
from .selectors_feedback import QUADRANTS, complaint_is_overdue, complaint_timeline, satisfaction_matrix
from .services import (
    ComplaintError,
    complaint_assign,
    complaint_close,
    complaint_resolve,
    complaint_respond,
)
from .services.complaints import GOODWILL_MAX, TEXT_MAX

COMPLAINT_VIEW_PERMISSION = "care.view_complaint"
COMPLAINT_HANDLE_PERMISSION = "care.change_complaint"
GOODWILL_PERMISSION = "ledger.add_ledgerentry"  # the same right as a manual points adjustment
MATRIX_PERMISSION = "care.view_surveyresponse"


def _staff_logins():
    return get_user_model().objects.filter(is_staff=True, is_active=True).order_by("email")


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=_staff_logins(), required=False,
                                      empty_label=_("Nobody (unassigned)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = _staff_logins()


class RespondForm(forms.Form):
    message = forms.CharField(label=_("Answer to the member"), max_length=TEXT_MAX,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("The member reads it on the complaint's page in the portal."))


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=_("How it was resolved"), max_length=TEXT_MAX,
                                 widget=forms.Textarea(attrs={"rows": 4}),
                                 help_text=_("The member reads it on the complaint's page in the portal."))
    goodwill_points = forms.IntegerField(
        label=_("Goodwill points"), min_value=0, max_value=GOODWILL_MAX, initial=0, required=False,
        help_text=_("A surprise beyond expectation: credited once, through the points ledger."),
    )


FORMS = {"assign": AssignForm, "respond": RespondForm, "resolve": ResolveForm}


class ComplaintScreen(PersonalDataViewAudited, WagtailAdminTemplateMixin, TemplateView):
    template_name = "care/admin/complaint.html"
    page_title = _("Complaint")
    header_icon = "warning"

    def audited_member(self):
        return self.complaint.member

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(COMPLAINT_VIEW_PERMISSION):
            raise PermissionDenied
        self.complaint = get_object_or_404(Complaint.objects.select_related("member", "assigned_to"),
                                           pk=kwargs["complaint_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return f"#{self.complaint.pk} {self.complaint.subject}"

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("care_complaints:index"), "label": _("Complaints")},
            {"url": "", "label": f"#{self.complaint.pk}"},
        ]

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm(COMPLAINT_HANDLE_PERMISSION):
            raise PermissionDenied
        action = request.POST.get("action", "")
        pk, user = self.complaint.pk, request.user
        try:
            if action == "take":
                complaint_assign(complaint_id=pk, assignee=user, staff_user=user)
                messages.success(request, _("The complaint is yours."))
            elif action == "close":
                complaint_close(complaint_id=pk)
                messages.success(request, _("The complaint is closed."))
            elif action in FORMS:
                form = FORMS[action](request.POST)
                if not form.is_valid():
                    return self._again(action, form)
                return self._act(action, form)
            else:
                raise PermissionDenied
        except ComplaintError as refused:
            for message in refused.errors.values():
                messages.error(request, message)
        return redirect(request.path)

    def _act(self, action: str, form: forms.Form):
        request, pk, data = self.request, self.complaint.pk, form.cleaned_data
        try:
            if action == "assign":
                complaint_assign(complaint_id=pk, assignee=data["assignee"], staff_user=request.user)
                messages.success(request, _("Assignment saved."))
            elif action == "respond":
                complaint_respond(complaint_id=pk, staff_user=request.user, message=data["message"])
                messages.success(request, _("Your answer is on the member's page."))
            else:
                points = data["goodwill_points"] or 0
                if points and not request.user.has_perm(GOODWILL_PERMISSION):
                    form.add_error("goodwill_points", _("You may not grant points."))
                    return self._again(action, form, status=403)
                complaint_resolve(complaint_id=pk, staff_user=request.user, resolution=data["resolution"],
                                  goodwill_points=points)
                messages.success(request, _("The complaint is resolved."))
        except ComplaintError as refused:
            for field, message in refused.errors.items():
                form.add_error(field if field in form.fields else None, message)
            return self._again(action, form)
        return redirect(request.path)

    def _again(self, action: str, form: forms.Form, status: int = 400):
        return self.render_to_response(self.get_context_data(**{f"{action}_form": form}), status=status)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        complaint, user = self.complaint, self.request.user
        context.update(
            complaint=complaint,
            timeline=complaint_timeline(complaint_id=complaint.pk),
            is_overdue=complaint_is_overdue(complaint_id=complaint.pk, now=timezone.now()),
            can_handle=user.has_perm(COMPLAINT_HANDLE_PERMISSION),
            can_grant=user.has_perm(GOODWILL_PERMISSION),
            member_url=reverse("member:inspect", args=[complaint.member_id]),
        )
        context.setdefault("assign_form", AssignForm(initial={"assignee": complaint.assigned_to_id}))
        context.setdefault("respond_form", RespondForm())
        context.setdefault("resolve_form", ResolveForm())
        return context


class MatrixFilterForm(forms.Form):
    survey = forms.ModelChoiceField(label=_("Survey"), queryset=Survey.objects.order_by("-created_at"),
                                    required=False, empty_label=_("All surveys"))
    answered_from = forms.DateField(label=_("Answered from"), required=False, widget=AdminDateInput)
    answered_to = forms.DateField(label=_("Answered until"), required=False, widget=AdminDateInput)

    def clean(self):
        data = super().clean()
        first, last = data.get("answered_from"), data.get("answered_to")
        if first and last and first > last:
            raise forms.ValidationError(_("The first day is after the last."))
        return data


class SatisfactionMatrixView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "care/admin/satisfaction_matrix.html"
    page_title = _("Importance and satisfaction")
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(MATRIX_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = MatrixFilterForm(self.request.GET or None)
        filters = {}
        if form.is_bound and form.is_valid():
            survey = form.cleaned_data["survey"]
            filters = {"survey_id": survey.pk if survey else None,
                       "answered_from": form.cleaned_data["answered_from"],
                       "answered_to": form.cleaned_data["answered_to"]}
        matrix = satisfaction_matrix(**filters)
        context.update(form=form, matrix=matrix, rows=plotted(matrix.points), svg=matrix_svg(matrix.points),
                       quadrants=list(QUADRANTS.values()))
        return context
