"""Admin listings of complaints and surveys (in the care menu, ``viewsets.py``): complaints are
read here and handled on their own screen (``admin_feedback.ComplaintScreen``); surveys are
edited here; their responses are read-only."""

from __future__ import annotations

import django_filters
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from rewards.admin_policies import ViewOnlyPolicy

from .models import Complaint, ComplaintCategory, ComplaintStatus, Survey, SurveyResponse
from .selectors_feedback import overdue_condition

register_permission_policy(Complaint, ViewOnlyPolicy(Complaint), exact_class=True)
register_permission_policy(SurveyResponse, ViewOnlyPolicy(SurveyResponse), exact_class=True)


class ComplaintFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(choices=ComplaintStatus.choices, label=_("Status"))
    category = django_filters.ChoiceFilter(choices=ComplaintCategory.choices, label=_("Category"))
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")
    mine = django_filters.BooleanFilter(label=_("Assigned to me"), method="filter_mine")

    class Meta:
        model = Complaint
        fields = []

    def filter_overdue(self, queryset, name, value):
        condition = overdue_condition(now=timezone.now())
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_mine(self, queryset, name, value):
        mine = Q(assigned_to=self.request.user)
        return queryset.filter(mine) if value else queryset.exclude(mine)


def _overdue_text(complaint: Complaint) -> str:
    return str(_("Overdue")) if complaint.overdue else ""


def _complaint_url(complaint: Complaint) -> str:
    return reverse("care_complaint", args=[complaint.pk])


class ComplaintIndexView(IndexView):
    def get_base_queryset(self):
        overdue = ExpressionWrapper(overdue_condition(now=timezone.now()), output_field=BooleanField())
        return super().get_base_queryset().select_related("member", "assigned_to").annotate(overdue=overdue)


class ComplaintViewSet(ModelViewSet):
    """Every complaint; each one is handled on its own screen (take, answer, resolve)."""

    model = Complaint
    icon = "warning"
    menu_label = _("Complaints")
    name = "care_complaints"
    url_prefix = "care/complaints"
    filterset_class = ComplaintFilterSet
    inspect_view_enabled = False
    copy_view_enabled = False
    add_to_reference_index = False
    exclude_form_fields = []
    list_per_page = 50
    list_display = [
        TitleColumn("subject", label=_("Subject"), get_url=_complaint_url),
        Column("member", label=_("Member"), accessor="member"),
        Column("category", label=_("Category"), accessor="get_category_display"),
        Column("status", label=_("Status"), accessor="get_status_display"),
        Column("assigned_to", label=_("Assigned to"), accessor="assigned_to"),
        DateColumn("created_at", label=_("Filed")),
        DateColumn("resolution_due", label=_("Resolution due")),
        Column("overdue", label=_("Overdue"), accessor=_overdue_text),
    ]
    ordering = ["-created_at", "-pk"]

    index_view_class = ComplaintIndexView

    def get_permissions_to_register(self):
        # view: the listing and the screen; change: handling a complaint on its screen.
        granted = ["view_complaint", "change_complaint"]
        return super().get_permissions_to_register().filter(codename__in=granted)


class SurveyViewSet(ModelViewSet):
    model = Survey
    icon = "list-ul"
    menu_label = _("Satisfaction surveys")
    name = "care_surveys"
    url_prefix = "care/surveys"
    form_fields = ["title", "intro", "live"]
    list_display = [
        "title",
        Column("portal_url", label=_("Link for a campaign"), accessor="get_portal_url"),
        "live",
        DateColumn("created_at", label=_("Created")),
    ]
    list_filter = ["live"]
    copy_view_enabled = False
    add_to_reference_index = False


class SurveyResponseFilterSet(WagtailFilterSet):
    survey = django_filters.ModelChoiceFilter(queryset=Survey.objects.order_by("-created_at"),
                                              label=_("Survey"))

    class Meta:
        model = SurveyResponse
        fields = []


class SurveyResponseIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("survey", "member")


class SurveyResponseViewSet(ModelViewSet):
    """The answers, read-only: members write them in the portal."""

    model = SurveyResponse
    icon = "doc-full"
    menu_label = _("Survey answers")
    name = "care_survey_responses"
    url_prefix = "care/survey-responses"
    filterset_class = SurveyResponseFilterSet
    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False
    exclude_form_fields = []
    list_per_page = 50
    list_display = [
        DateColumn("answered_at", label=_("Answered")),
        Column("survey", label=_("Survey"), accessor="survey"),
        Column("member", label=_("Member"), accessor="member"),
        Column("nps", label=_("NPS answer")),
    ]
    ordering = ["-answered_at", "-pk"]

    index_view_class = SurveyResponseIndexView

    def get_permissions_to_register(self):
        return super().get_permissions_to_register().filter(codename="view_surveyresponse")
