"""Admin screens of club.care (registered in ``wagtail_hooks.py``): account managers and their
rules (edited), assignments and the contact log (read; they change through the member's care
screen and the services)."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth import get_permission_codename, get_user_model
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permissions import register_permission_policy

from club.members.models import CustomerType, Segment
from rewards.admin_policies import ViewOnlyPolicy

from .models import (
    AccountManager,
    AssignmentSource,
    ContactKind,
    ContactLogEntry,
    ManagerAssignment,
    ManagerRule,
)
from .viewsets_feedback import ComplaintViewSet, SurveyResponseViewSet, SurveyViewSet

register_permission_policy(ManagerAssignment, ViewOnlyPolicy(ManagerAssignment), exact_class=True)
register_permission_policy(ContactLogEntry, ViewOnlyPolicy(ContactLogEntry), exact_class=True)


class AccountManagerForm(WagtailAdminModelForm):
    class Meta:
        model = AccountManager
        fields = ["user", "display_name", "phone", "email", "capacity", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        staff = get_user_model().objects.filter(is_staff=True, is_active=True).order_by("email")
        self.fields["user"].queryset = staff


class AccountManagerViewSet(ModelViewSet):
    model = AccountManager
    icon = "user"
    menu_label = _("Account managers")
    name = "care_managers"
    url_prefix = "care/managers"
    form_fields = AccountManagerForm.Meta.fields
    list_display = ["display_name", "user", "phone", "email", "capacity", "active"]
    list_filter = ["active"]
    search_fields = ["display_name", "email", "phone"]
    copy_view_enabled = False
    add_to_reference_index = False

    def get_form_class(self, for_update=False):
        return AccountManagerForm


class ManagerRuleForm(WagtailAdminModelForm):
    customer_types = forms.MultipleChoiceField(
        label=_("Customer types"), choices=CustomerType.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    segments = forms.MultipleChoiceField(
        label=_("Segments"), choices=[c for c in Segment.choices if c[0]], required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ManagerRule
        fields = ["name", "customer_types", "segments", "managers", "priority", "live"]
        widgets = {"managers": forms.CheckboxSelectMultiple}


class ManagerRuleViewSet(ModelViewSet):
    model = ManagerRule
    icon = "cogs"
    menu_label = _("Account manager rules")
    name = "care_rules"
    url_prefix = "care/rules"
    form_fields = ManagerRuleForm.Meta.fields
    list_display = ["name", "priority", "live"]
    copy_view_enabled = False
    add_to_reference_index = False

    def get_form_class(self, for_update=False):
        return ManagerRuleForm


class AssignmentIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("member", "manager")


class ContactLogIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("member", "staff_user")


class AssignmentFilterSet(WagtailFilterSet):
    manager = django_filters.ModelChoiceFilter(queryset=AccountManager.objects.order_by("display_name"),
                                               label=_("Manager"))
    source = django_filters.ChoiceFilter(choices=AssignmentSource.choices, label=_("Assigned"))

    class Meta:
        model = ManagerAssignment
        fields = []


class _ChangedElsewhereViewSet(ModelViewSet):
    """A listing and inspect screen (``ViewOnlyPolicy``) of rows written on the member's care
    screen: groups are granted the view permission and ``granted_action`` (which that screen
    checks), not the others."""

    granted_action = "view"
    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False
    exclude_form_fields = []
    list_per_page = 50

    def get_permissions_to_register(self):
        actions = ("view", self.granted_action)
        codenames = {get_permission_codename(action, self.model_opts) for action in actions}
        return super().get_permissions_to_register().filter(codename__in=codenames)


class ManagerAssignmentViewSet(_ChangedElsewhereViewSet):
    """Which member has which manager; change one from the member's care screen."""

    model = ManagerAssignment
    icon = "group"
    menu_label = _("Assignments")
    name = "care_assignments"
    url_prefix = "care/assignments"
    filterset_class = AssignmentFilterSet
    list_display = [
        Column("member", label=_("Member"), accessor="member"),
        Column("manager", label=_("Manager"), accessor="manager"),
        Column("source", label=_("Assigned"), accessor="get_source_display"),
        DateColumn("assigned_at", label=_("Since")),
    ]
    granted_action = "change"
    ordering = ["manager__display_name", "member_id"]

    index_view_class = AssignmentIndexView


class ContactFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(choices=ContactKind.choices, label=_("Kind"))
    member = django_filters.NumberFilter(field_name="member_id", label=_("Member id"))
    follow_up_due = django_filters.DateFilter(field_name="follow_up_on", lookup_expr="lte",
                                              label=_("Follow-up due by"))

    class Meta:
        model = ContactLogEntry
        fields = []


class ContactLogViewSet(_ChangedElsewhereViewSet):
    """Every recorded contact; add one from the member's care screen."""

    model = ContactLogEntry
    icon = "doc-full"
    menu_label = _("Contact log")
    name = "care_contacts"
    url_prefix = "care/contacts"
    filterset_class = ContactFilterSet
    list_display = [
        DateColumn("happened_at", label=_("When")),
        Column("member", label=_("Member"), accessor="member"),
        Column("kind", label=_("Kind"), accessor="get_kind_display"),
        Column("staff_user", label=_("Recorded by"), accessor="staff_user"),
        DateColumn("follow_up_on", label=_("Follow up on")),
    ]
    granted_action = "add"
    ordering = ["-happened_at", "-pk"]

    index_view_class = ContactLogIndexView


class CareMenu(ModelViewSetGroup):
    items = (AccountManagerViewSet, ManagerRuleViewSet, ManagerAssignmentViewSet, ContactLogViewSet,
             ComplaintViewSet, SurveyViewSet, SurveyResponseViewSet)
    menu_label = _("Personal contact")
    menu_icon = "user"
    menu_name = "care"
    menu_order = 130
