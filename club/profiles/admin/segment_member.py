"""The segment screen of one member in the admin: the effective segment, what the rules give,
the customer classes, a form to set the segment by hand (with a reason) or clear the override,
and the override history. Linked from the member's detail."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from club.members.admin.member_screen import MemberAdminScreen
from club.members.models import Segment

from ..models import MemberProfile
from ..segments.selectors import member_segment_overrides
from ..segments.services import (
    REASON_MAX_LENGTH,
    SegmentOverrideError,
    segment_override_clear,
    segment_override_set,
)

VIEW_PERMISSION = "profiles.view_segmentoverride"
OVERRIDE_PERMISSION = "profiles.add_segmentoverride"


class SegmentOverrideForm(forms.Form):
    segment = forms.ChoiceField(label=_("Segment"), choices=[c for c in Segment.choices if c[0]])
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX_LENGTH,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Why the rules are wrong for this member; kept in the history."))


class MemberSegmentView(MemberAdminScreen):
    template_name = "profiles/segments/member_segment.html"
    page_title = _("Segment")
    header_icon = "group"
    view_permission = VIEW_PERMISSION

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm(OVERRIDE_PERMISSION):
            raise PermissionDenied
        if request.POST.get("action") == "clear":
            if segment_override_clear(member_id=self.member.pk, staff_user=request.user):
                messages.success(request, _("Override cleared: the rules give the member's segment again."))
            return redirect(request.path)
        form = SegmentOverrideForm(request.POST)
        if form.is_valid():
            try:
                segment_override_set(member_id=self.member.pk, staff_user=request.user, **form.cleaned_data)
            except SegmentOverrideError as refused:
                for field, errors in refused.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(request,
                                 _("The member's segment is set by hand until the override is cleared."))
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        history = member_segment_overrides(member_id=self.member.pk)
        labels = dict(Segment.choices)
        profile = MemberProfile.objects.filter(member_id=self.member.pk).first()
        context.update(
            member=self.member,
            segment_label=labels.get(self.member.segment, self.member.segment),
            profile=profile,
            computed_label=labels.get(profile.segment_computed, "") if profile else "",
            active=history[0] if history and history[0].is_active else None,
            history=history,
            can_override=self.request.user.has_perm(OVERRIDE_PERMISSION),
        )
        context.setdefault("form", SegmentOverrideForm(initial={"segment": self.member.segment or None}))
        return context
