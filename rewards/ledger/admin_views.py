"""Admin screens of the ledger: one member's points (balance, lots, statement) and the audited
manual adjustment form. Registered by ``wagtail_hooks.py``."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from club.members.admin.member_screen import MemberAdminScreen

from .models import EntryKind, PointLot
from .selectors import member_statement, points_balance, points_expiring
from .services import InsufficientPoints, points_adjust

VIEW_PERMISSION = "ledger.view_ledgerentry"
ADJUST_PERMISSION = "ledger.add_ledgerentry"
MAX_ADJUSTMENT = 1_000_000
ENTRIES_PER_PAGE = 50


class PointsAdjustmentForm(forms.Form):
    points = forms.IntegerField(
        label=_("Points"), min_value=-MAX_ADJUSTMENT, max_value=MAX_ADJUSTMENT,
        help_text=_("Positive to credit, negative to debit (the oldest points are taken first)."),
    )
    reason = forms.CharField(
        label=_("Reason"), min_length=5, max_length=200,
        help_text=_("Mandatory: what happened and why (shown in the member's statement)."),
    )
    # A fresh key per rendered form: a double submit applies once.
    request_key = forms.UUIDField(widget=forms.HiddenInput)

    def clean_points(self):
        points = self.cleaned_data["points"]
        if points == 0:
            raise forms.ValidationError(_("An adjustment moves at least one point."))
        return points

    def clean_reason(self):
        return self.cleaned_data["reason"].strip()


class MemberLedgerView(MemberAdminScreen):
    template_name = "ledger/admin/member_ledger.html"
    page_title = _("Points ledger")
    header_icon = "pick"
    view_permission = VIEW_PERMISSION

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm(ADJUST_PERMISSION):
            raise PermissionDenied
        form = PointsAdjustmentForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = points_adjust(
                    member_id=self.member.pk, points=data["points"], reason=data["reason"],
                    staff_user=request.user, idempotency_key=f"adjust:{data['request_key']}",
                )
            except InsufficientPoints as refused:
                message = _("The member has only %(n)d points to debit.") % {"n": refused.spendable}
                form.add_error("points", message)
            else:
                messages.success(request, _("%(points)+d points recorded.") % {"points": entry.points})
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kind = self.request.GET.get("kind", "")
        statement = member_statement(
            member_id=self.member.pk, kinds=[kind] if kind in EntryKind.values else None
        )
        page = Paginator(statement, ENTRIES_PER_PAGE).get_page(self.request.GET.get("p"))
        context.update(
            member=self.member,
            balance=points_balance(member_id=self.member.pk),
            expiring=points_expiring(member_id=self.member.pk),
            lots=PointLot.objects.filter(member=self.member, remaining__gt=0).order_by("earned_at", "pk"),
            entries=page,
            kinds=EntryKind.choices,
            kind=kind,
            can_adjust=self.request.user.has_perm(ADJUST_PERMISSION),
        )
        context.setdefault("form", PointsAdjustmentForm(initial={"request_key": uuid.uuid4()}))
        return context
