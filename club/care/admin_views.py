"""The care screen of one member in the admin: their account manager (assign by hand, or leave
it to the rules) and the contact log (read and add). Registered by ``wagtail_hooks.py``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput, AdminDateTimeInput

from club.members.admin.member_screen import MemberAdminScreen

from .models import AccountManager, ContactKind
from .selectors import member_assignment, member_contact_log
from .services import ContactLogError, contact_log_add, manager_assign, manager_unassign

VIEW_PERMISSION = "care.view_contactlogentry"
LOG_PERMISSION = "care.add_contactlogentry"
ASSIGN_PERMISSION = "care.change_managerassignment"


class ContactLogForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ContactKind.choices)
    happened_at = forms.DateTimeField(label=_("When"), widget=AdminDateTimeInput)
    summary = forms.CharField(label=_("What was said or done"), widget=forms.Textarea(attrs={"rows": 4}),
                              max_length=4000)
    follow_up_on = forms.DateField(label=_("Follow up on"), required=False, widget=AdminDateInput,
                                   help_text=_("Optional: the day someone should get back to the member."))


class ManagerChoiceForm(forms.Form):
    manager = forms.ModelChoiceField(
        label=_("Account manager"),
        queryset=AccountManager.objects.filter(active=True).order_by("display_name"),
        empty_label=_("None: leave it to the rules"), required=False,
    )


class MemberCareView(MemberAdminScreen):
    template_name = "care/admin/member_care.html"
    page_title = _("Account manager and contact log")
    header_icon = "user"
    view_permission = VIEW_PERMISSION

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "assign":
            return self._assign(request)
        return self._log(request)

    def _assign(self, request):
        if not request.user.has_perm(ASSIGN_PERMISSION):
            raise PermissionDenied
        form = ManagerChoiceForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(manager_form=form))
        manager = form.cleaned_data["manager"]
        if manager is None:
            manager_unassign(member_id=self.member.pk)
            messages.success(request, _("The member has no account manager until the rules give one."))
        else:
            manager_assign(member_id=self.member.pk, manager_id=manager.pk, staff_user=request.user)
            messages.success(request, _("%(name)s is now the member's account manager.") % {"name": manager})
        return redirect(request.path)

    def _log(self, request):
        if not request.user.has_perm(LOG_PERMISSION):
            raise PermissionDenied
        form = ContactLogForm(request.POST)
        if form.is_valid():
            try:
                contact_log_add(member_id=self.member.pk, staff_user=request.user, **form.cleaned_data)
            except ContactLogError as refused:
                for field, message in refused.errors.items():
                    form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, _("Contact recorded."))
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(log_form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        assignment = member_assignment(member_id=self.member.pk)
        user = self.request.user
        context.update(
            member=self.member,
            assignment=assignment,
            entries=member_contact_log(member_id=self.member.pk),
            can_assign=user.has_perm(ASSIGN_PERMISSION),
            can_log=user.has_perm(LOG_PERMISSION),
        )
        current = assignment.manager_id if assignment else None
        context.setdefault("manager_form", ManagerChoiceForm(initial={"manager": current}))
        now = timezone.localtime().replace(second=0, microsecond=0)
        context.setdefault("log_form", ContactLogForm(initial={"happened_at": now}))
        return context
