"""The member portal's satisfaction surveys and complaints (views and their URLs, included by
``cms.portal_urls``; docs/care.md). A survey is answered once at ``/portal/surveys/<id>/`` (the
link a campaign's message points to); complaints are filed, listed and followed under
``/portal/complaints/``. A member only ever loads their own complaint: another's is a 404."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from club.care.models import ComplaintCategory, Dimension
from club.care.models.surveys import DIMENSION_HINTS, NPS_MAX, NPS_MIN
from club.care.selectors_feedback import (
    access_complaint_for_member,
    complaint_timeline,
    live_survey,
    member_complaints,
    member_has_answered,
    surveys_open_for_member,
)
from club.care.services import ComplaintError, SurveyError, complaint_file, survey_respond
from club.care.services.complaints import SUBJECT_MAX, TEXT_MAX
from club.care.services.surveys import COMMENT_MAX
from club.members.selectors import member_for_user

SATISFACTION_CHOICES = [
    (1, gettext_lazy("1 – very dissatisfied")), (2, "2"), (3, "3"), (4, "4"),
    (5, gettext_lazy("5 – very satisfied")),
]
IMPORTANCE_CHOICES = [
    (1, gettext_lazy("1 – not important")), (2, "2"), (3, "3"), (4, "4"),
    (5, gettext_lazy("5 – very important")),
]
NPS_CHOICES = [(n, str(n)) for n in range(NPS_MIN, NPS_MAX + 1)]


def _radio(label, choices) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=choices, coerce=int, widget=forms.RadioSelect)


class SurveyAnswerForm(forms.Form):
    comment = forms.CharField(label=gettext_lazy("Anything else you would like to tell us? (optional)"),
                              required=False, max_length=COMMENT_MAX,
                              widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for dimension in Dimension:
            self.fields[f"{dimension.value}_satisfaction"] = _radio(_("How satisfied are you?"),
                                                                   SATISFACTION_CHOICES)
            self.fields[f"{dimension.value}_importance"] = _radio(_("How important is it to you?"),
                                                                 IMPORTANCE_CHOICES)
        self.fields["nps"] = _radio(
            _("How likely are you to recommend us to a friend or colleague? "
              "(0 = not at all, 10 = extremely)"),
            NPS_CHOICES)
        scales = [name for name in self.fields if name not in ("comment", "nps")]
        self.order_fields([*scales, "nps", "comment"])

    def dimensions(self) -> list[dict]:
        """The questions grouped by dimension, for one fieldset each."""
        return [
            {"key": d.value, "label": d.label, "hint": DIMENSION_HINTS[d],
             "satisfaction": self[f"{d.value}_satisfaction"], "importance": self[f"{d.value}_importance"]}
            for d in Dimension
        ]


class ComplaintForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("What is it about?"), choices=ComplaintCategory.choices)
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=SUBJECT_MAX)
    description = forms.CharField(label=gettext_lazy("What happened?"), max_length=TEXT_MAX,
                                  widget=forms.Textarea(attrs={"rows": 6}),
                                  help_text=gettext_lazy("Dates, places and numbers help us solve it "
                                                         "faster."))


def _member_or_link(request: HttpRequest):
    member = member_for_user(user=request.user)
    return member, (None if member else redirect("portal:link"))


@login_required
@require_http_methods(["GET", "POST"])
def survey_answer(request: HttpRequest, survey_id: int) -> HttpResponse:
    member, elsewhere = _member_or_link(request)
    if elsewhere:
        return elsewhere
    survey = live_survey(survey_id=survey_id)
    if survey is None:
        raise Http404
    if member_has_answered(survey_id=survey.pk, member_id=member.pk):
        return render(request, "portal/surveys/answered.html", {"survey": survey, "already": True})
    form = SurveyAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        answers = {name: value for name, value in form.cleaned_data.items() if name != "comment"}
        try:
            survey_respond(survey_id=survey.pk, member_id=member.pk, answers=answers,
                           comment=form.cleaned_data["comment"])
        except SurveyError as refused:
            if refused.already_answered:
                return render(request, "portal/surveys/answered.html", {"survey": survey, "already": True})
            for field, message in refused.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            return render(request, "portal/surveys/answered.html", {"survey": survey, "already": False})
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/surveys/answer.html", {"survey": survey, "form": form}, status=status)


@login_required
@require_GET
def survey_list(request: HttpRequest) -> HttpResponse:
    member, elsewhere = _member_or_link(request)
    if elsewhere:
        return elsewhere
    surveys = surveys_open_for_member(member_id=member.pk)
    return render(request, "portal/surveys/list.html", {"surveys": surveys})


@login_required
@require_http_methods(["GET", "POST"])
def complaints(request: HttpRequest) -> HttpResponse:
    """My complaints, and the form to file one."""
    member, elsewhere = _member_or_link(request)
    if elsewhere:
        return elsewhere
    form = ComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = complaint_file(member_id=member.pk, **form.cleaned_data)
        except ComplaintError as refused:
            for field, message in refused.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Thank you. Your complaint is filed: we will answer by %(due)s.") % {
                "due": _local(complaint.first_response_due)})
            return redirect("portal:complaint", complaint_id=complaint.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/complaints/list.html",
                  {"complaints": member_complaints(member_id=member.pk), "form": form}, status=status)


def _local(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


@login_required
@require_GET
def complaint_detail(request: HttpRequest, complaint_id: int) -> HttpResponse:
    member, elsewhere = _member_or_link(request)
    if elsewhere:
        return elsewhere
    complaint = access_complaint_for_member(complaint_id=complaint_id, member_id=member.pk)
    if complaint is None:
        raise Http404
    return render(request, "portal/complaints/detail.html",
                  {"complaint": complaint, "timeline": complaint_timeline(complaint_id=complaint.pk)})


urlpatterns = [
    path("surveys/", survey_list, name="surveys"),
    path("surveys/<int:survey_id>/", survey_answer, name="survey_answer"),
    path("complaints/", complaints, name="complaints"),
    path("complaints/<int:complaint_id>/", complaint_detail, name="complaint"),
]
