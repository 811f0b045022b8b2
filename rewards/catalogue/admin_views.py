"""Admin action screens of the catalogue (reached from the viewsets' list rows)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .admin_forms import ReasonForm, ShipForm, StockForm, VoucherCodesForm
from .models import CODE_KINDS, Fulfilment, NetworkOutbox, Redemption, Reward
from .services import (
    fulfilment_mark_shipped,
    outbox_requeue,
    redemption_cancel,
    reward_stock_adjust,
    voucher_codes_generate,
    voucher_codes_upload,
)
from .services.redemption import stock_of


class ActionView(WagtailAdminTemplateMixin, FormView):
    """A small form about one object; the subclass names the permission and calls a service."""

    template_name = "catalogue/admin/action_form.html"
    header_icon = "gift"
    model = None
    permission = ""
    submit_label = ""
    index_url_name = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        self.object = get_object_or_404(self.model, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            summary=self.summary(), submit_label=self.submit_label, back_url=self.get_success_url(), **kwargs
        )

    def summary(self) -> str:
        return str(self.object)

    def get_success_url(self) -> str:
        return reverse(self.index_url_name)


class VoucherCodesView(ActionView):
    model = Reward
    form_class = VoucherCodesForm
    permission = "catalogue.add_vouchercode"
    page_title = _("Add voucher codes")
    submit_label = _("Add codes")
    index_url_name = "catalogue_voucher_codes:index"

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if self.object.kind not in CODE_KINDS:
            raise PermissionDenied
        return response

    def form_valid(self, form):
        if form.cleaned_data.get("generate"):
            added = voucher_codes_generate(
                reward_id=self.object.pk,
                count=form.cleaned_data["generate"],
                prefix=form.cleaned_data["prefix"],
            )
            messages.success(self.request, _("%(n)d codes generated.") % {"n": added})
            return redirect(self.get_success_url())
        report = voucher_codes_upload(reward_id=self.object.pk, lines=form.cleaned_data["lines"])
        if report.problems:
            for problem in report.problems[:20]:
                form.add_error("codes_file", problem)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(added)d codes added, %(dup)d already in the pool.")
            % {"added": report.added, "dup": report.duplicates},
        )
        return redirect(self.get_success_url())


class StockView(ActionView):
    model = Reward
    form_class = StockForm
    permission = "catalogue.change_reward"
    page_title = _("Reward stock")
    submit_label = _("Change stock")
    index_url_name = "wagtailsnippets_catalogue_reward:list"

    def summary(self) -> str:
        stock = stock_of(self.object)
        left = _("unlimited") if stock is None else stock.remaining
        return _("%(reward)s: %(left)s left") % {"reward": self.object, "left": left}

    def form_valid(self, form):
        try:
            left = reward_stock_adjust(reward_id=self.object.pk, delta=form.cleaned_data["delta"])
        except ValueError as exc:
            form.add_error("delta", str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("%(n)d left in stock.") % {"n": left})
        return redirect(self.get_success_url())


class RedemptionCancelView(ActionView):
    model = Redemption
    form_class = ReasonForm
    permission = "catalogue.change_redemption"
    page_title = _("Cancel a redemption")
    submit_label = _("Cancel and refund")
    index_url_name = "catalogue_redemptions:index"

    def form_valid(self, form):
        result = redemption_cancel(
            redemption_id=self.object.pk,
            reason=form.cleaned_data["reason"],
            actor_user_id=self.request.user.pk,
        )
        if not result.is_success:
            form.add_error(None, result.message)
            return self.form_invalid(form)
        messages.success(self.request, _("Redemption cancelled; the points were given back."))
        return redirect(self.get_success_url())


class FulfilmentShipView(ActionView):
    model = Fulfilment
    form_class = ShipForm
    permission = "catalogue.change_fulfilment"
    page_title = _("Mark shipped")
    submit_label = _("Mark shipped")
    index_url_name = "catalogue_fulfilments:index"

    def form_valid(self, form):
        if fulfilment_mark_shipped(fulfilment_id=self.object.pk, tracking=form.cleaned_data["tracking"]):
            messages.success(self.request, _("Marked shipped."))
        else:
            messages.warning(self.request, _("Already shipped or cancelled: nothing changed."))
        return redirect(self.get_success_url())


class OutboxRequeueView(ActionView):
    model = NetworkOutbox
    form_class = ReasonForm
    permission = "catalogue.change_networkoutbox"
    page_title = _("Send to the billing system again")
    submit_label = _("Requeue")
    index_url_name = "catalogue_outbox:index"

    def form_valid(self, form):
        state = outbox_requeue(outbox_id=self.object.pk).state
        messages.success(self.request, _("The row is now %(state)s.") % {"state": state})
        return redirect(self.get_success_url())
