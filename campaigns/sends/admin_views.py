"""Admin screens of the fan-out (URLs from ``viewsets.SendRunViewSet``): a run's progress bar
(an HTMX fragment the inspect page polls), pause / resume / cancel, and the reach simulation of
a campaign."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from campaigns.models import Campaign

from .models import ReachSimulation, Run, RunStatus, SimulationStatus
from .selectors import run_progress
from .services import run_cancel, run_pause, run_resume
from .services.reach import reach_simulation_request, simulated_time

VIEW_PERMISSION = "sends.view_run"
CONTROL_PERMISSION = "sends.change_run"
SIMULATE_PERMISSION = "campaigns.change_campaign"
POLL_SECONDS = 2


class RunProgressView(TemplateView):
    """The progress fragment of a run; it polls itself while the run is running."""

    template_name = "sends/admin/run_progress.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(VIEW_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        run = get_object_or_404(Run, pk=kwargs["pk"])
        return super().get_context_data(**run_progress_context(run), progress_url=self.request.path, **kwargs)


def suppressed_rows(suppressed: dict[str, int]) -> list[tuple[str, int]]:
    """(label, count) per suppression reason, most frequent first."""
    from campaigns.contact.models import SuppressionReason

    labels = dict(SuppressionReason.choices)
    return sorted(((str(labels.get(reason, reason)), n) for reason, n in suppressed.items()),
                  key=lambda row: (-row[1], row[0]))


def run_progress_context(run: Run) -> dict:
    progress = run_progress(run_id=run.pk)
    return {
        "run": run,
        "progress": progress,
        "suppressed_rows": suppressed_rows(progress.totals.suppressed),
        "polling": progress.status == RunStatus.RUNNING,
        "poll_seconds": POLL_SECONDS,
    }


class RunControlView(View):
    """POST: pause, resume or cancel a run, then back to its page."""

    actions = {
        "pause": (run_pause, gettext_lazy("Paused: no new chunk will be reserved until it is resumed.")),
        "resume": (run_resume, gettext_lazy("Resumed.")),
        "cancel": (run_cancel, gettext_lazy("Cancelled: what was delivered stays delivered.")),
    }
    inspect_url_name = ""

    def post(self, request, pk: int, action: str):
        if not request.user.has_perm(CONTROL_PERMISSION):
            raise PermissionDenied
        service, done_message = self.actions.get(action, (None, ""))
        if service is None:
            raise PermissionDenied
        run = get_object_or_404(Run, pk=pk)
        if service(run_id=run.pk):
            messages.success(request, done_message)
        else:
            messages.warning(request, _("Nothing to do: the run is %(status)s.") % {
                "status": Run.objects.get(pk=run.pk).get_status_display().lower()})
        return redirect(reverse(self.inspect_url_name, args=[run.pk]))


class SimulationForm(forms.Form):
    at = forms.DateTimeField(
        label=gettext_lazy("Simulate a send at"), required=False,
        help_text=gettext_lazy("Empty: the campaign's next send time (from its latest draft), or now."),
    )


class ReachView(WagtailAdminTemplateMixin, TemplateView):
    """A campaign's reach simulations: the latest results and a button to run a new one."""

    template_name = "sends/admin/reach.html"
    page_title = gettext_lazy("Reach simulation")
    header_icon = "view"
    status_url_name = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(SIMULATE_PERMISSION):
            raise PermissionDenied
        self.campaign = get_object_or_404(Campaign, pk=kwargs["campaign_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.campaign)

    def post(self, request, *args, **kwargs):
        form = SimulationForm(request.POST)
        if form.is_valid():
            reach_simulation_request(campaign=self.campaign, at=form.cleaned_data["at"],
                                     requested_by=request.user)
            return redirect(request.path)
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        simulations = list(ReachSimulation.objects.filter(campaign=self.campaign)[:5])
        context = super().get_context_data(**kwargs)
        context.update(
            campaign=self.campaign,
            latest=simulations[0] if simulations else None,
            suppressed_rows=suppressed_rows(simulations[0].suppressed) if simulations else [],
            earlier=simulations[1:],
            next_send=simulated_time(self.campaign, now=timezone.now()),
            status_url_name=self.status_url_name,
            poll_seconds=POLL_SECONDS,
        )
        context.setdefault("form", SimulationForm())
        return context


class ReachStatusView(TemplateView):
    """The result fragment of one simulation; it polls itself until the simulation ends."""

    template_name = "sends/admin/reach_result.html"
    status_url_name = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(SIMULATE_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        simulation = get_object_or_404(ReachSimulation, pk=kwargs["pk"])
        return super().get_context_data(
            simulation=simulation, suppressed_rows=suppressed_rows(simulation.suppressed),
            status_url_name=self.status_url_name, poll_seconds=POLL_SECONDS,
            polling=simulation.status in (SimulationStatus.PENDING, SimulationStatus.RUNNING), **kwargs,
        )
