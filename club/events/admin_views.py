"""Admin screens of club events at the door and after: pick an event, check members in by
their ticket (a scanner types the QR code's token into a focused field) or by MSISDN, and the
attendance report with its CSV file. Registered by ``wagtail_hooks.py``."""

from __future__ import annotations

import csv
from dataclasses import dataclass

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from club.audit.services import personal_data_exported
from club.members.admin.personal_data_shown import personal_data_shown_log

from .models import EventPage
from .report import CSV_HEADER, event_attendance_figures, event_attendance_rows, events_for_the_door
from .selectors import event_check_in_search
from .services import rsvp_check_in

CHECK_IN_PERMISSION = "events.check_in_rsvp"
REPORT_PERMISSION = "events.view_rsvp"
# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class DoorOutcome:
    level: str  # success, warning (already checked in), error
    text: str


class TicketForm(forms.Form):
    token = forms.CharField(label=_("Ticket code"), max_length=200)


class _EventAdminView(WagtailAdminTemplateMixin, TemplateView):
    permission = ""
    header_icon = "calendar"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        self.event = get_object_or_404(EventPage, pk=kwargs["event_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.event.title

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("events_door"), "label": _("Event check-in")},
            {"url": "", "label": f"{self.page_title}: {self.event.title}"},
        ]

    def figures(self):
        event = self.event
        return event_attendance_figures(event_id=event.pk, ends_at=event.ends_at, now=timezone.now())


class EventChooseView(WagtailAdminTemplateMixin, TemplateView):
    """The events of the last week and the coming month, each with "Check-in" and "Report"."""

    template_name = "events/admin/choose.html"
    page_title = _("Event check-in and attendance")
    header_icon = "calendar"

    def dispatch(self, request, *args, **kwargs):
        if not (request.user.has_perm(CHECK_IN_PERMISSION) or request.user.has_perm(REPORT_PERMISSION)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        events = events_for_the_door(now=timezone.now())
        user = self.request.user
        return super().get_context_data(events=events, can_check_in=user.has_perm(CHECK_IN_PERMISSION),
                                        can_report=user.has_perm(REPORT_PERMISSION), **kwargs)


class CheckInView(_EventAdminView):
    """GET: the scan field (focused) and the MSISDN search; POST: one check-in."""

    template_name = "events/admin/check_in.html"
    page_title = _("Check-in")
    permission = CHECK_IN_PERMISSION

    def post(self, request, *args, **kwargs):
        """Answers with the page itself (no redirect): the result shows in large type next to
        the field, which is empty and focused for the next scan. Posting again (a reload) is
        harmless: a check-in is idempotent."""
        form = TicketForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(
                outcome=DoorOutcome("error", str(_("Scan a ticket or type its code.")))))
        result = rsvp_check_in(token=form.cleaned_data["token"], staff_user=request.user,
                               at=timezone.now(), event_id=self.event.pk)
        text = f"{result.msisdn}: {result.message}" if result.msisdn else result.message
        if result.points:
            text = f"{text} " + ngettext("+%(points)d point", "+%(points)d points", result.points) % {
                "points": result.points}
        level = "success" if result.is_success and not result.already else (
            "warning" if result.is_success else "error")
        if result.member_id is not None:  # the answer shows the member's line
            personal_data_shown_log(request=request, member_ids=[result.member_id])
        return self.render_to_response(self.get_context_data(outcome=DoorOutcome(level, text)))

    def get_context_data(self, **kwargs):
        query = (self.request.POST.get("q") or self.request.GET.get("q", "")).strip()
        candidates = event_check_in_search(event_id=self.event.pk, msisdn=query) if query else []
        if candidates:  # a search by line shows the lines it found
            personal_data_shown_log(request=self.request,
                                    member_ids=[candidate.member_id for candidate in candidates])
        return super().get_context_data(
            event=self.event, form=TicketForm(), query=query, figures=self.figures(),
            candidates=candidates, **kwargs,
        )


class AttendanceReportView(_EventAdminView):
    template_name = "events/admin/report.html"
    page_title = _("Attendance report")
    permission = REPORT_PERMISSION

    def get_context_data(self, **kwargs):
        return super().get_context_data(event=self.event, figures=self.figures(), **kwargs)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_safe(value) -> str:
    text = str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


class AttendanceCsvView(View):
    def get(self, request, event_id: int):
        if not request.user.has_perm(REPORT_PERMISSION):
            raise PermissionDenied
        event = get_object_or_404(EventPage, pk=event_id)
        personal_data_exported(instance=event, user=request.user, export="event attendance CSV")
        writer = csv.writer(_Echo())

        def rows():
            yield writer.writerow(CSV_HEADER)
            for row in event_attendance_rows(event_id=event.pk):
                yield writer.writerow([csv_safe(value) for value in row])

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="event-{event.pk}-attendance.csv"'
        return response
