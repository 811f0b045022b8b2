"""Settlement's admin action screens: prepare a statement, approve, issue, download, enter a
co-branded service's revenue. Each parses, authorises, calls one service and redirects."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from partners.copromotions.models import CoPromotion
from partners.organisations.models import Partner

from . import selectors
from .compute import month_start, previous_month
from .export import statement_csv, statement_filename, statement_pdf
from .models import Statement
from .services import SettlementRefused, revenue_set, statement_approve, statement_issue, statement_prepare
from .services.revenue import REVENUE_PERMISSION
from .services.statements import APPROVE_PERMISSION

MONTH_FORMATS = ["%Y-%m"]


class MonthField(forms.DateField):
    """A month typed as ``YYYY-MM`` (or picked in a month input)."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")

    def __init__(self, **kwargs):
        super().__init__(input_formats=MONTH_FORMATS, **kwargs)


class PrepareForm(forms.Form):
    partner = forms.ModelChoiceField(queryset=Partner.objects.order_by("name"), label=_("Partner"))
    month = MonthField(label=_("Month"), help_text=_("As YYYY-MM."))


class RevenueForm(forms.Form):
    copromotion = forms.ModelChoiceField(
        queryset=CoPromotion.objects.filter(revenue_share_percent__gt=0).select_related("partner"),
        label=_("Co-promotion"), help_text=_("Only co-promotions with an agreed revenue share."),
    )
    month = MonthField(label=_("Month"), help_text=_("As YYYY-MM."))
    revenue = forms.DecimalField(label=_("Revenue"), min_value=0, max_digits=18, decimal_places=2)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class SettlementFormView(WagtailAdminTemplateMixin, FormView):
    template_name = "settlement/admin/action_form.html"
    header_icon = "doc-full"
    permission = APPROVE_PERMISSION
    submit_label = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            submit_label=self.submit_label, back_url=reverse("settlement_statements:index"), **kwargs
        )


class StatementPrepareView(SettlementFormView):
    form_class = PrepareForm
    page_title = _("Prepare a statement")
    submit_label = _("Prepare")

    def get_initial(self):
        return {"month": previous_month(month_start(timezone.localdate()))}

    def form_valid(self, form):
        try:
            outcome = statement_prepare(
                partner_id=form.cleaned_data["partner"].pk, month=form.cleaned_data["month"]
            )
        except SettlementRefused as refused:
            form.add_error(None, refused.message)
            return self.form_invalid(form)
        if outcome.recomputed:
            messages.success(self.request, _("The draft statement was computed from the redemptions."))
        else:
            messages.warning(
                self.request, _("This statement is already approved or issued; it was left as it was.")
            )
        return redirect("settlement_statements:inspect", outcome.statement.pk)


class RevenueEnterView(SettlementFormView):
    form_class = RevenueForm
    permission = REVENUE_PERMISSION
    page_title = _("Enter co-branded revenue")
    submit_label = _("Save")

    def get_initial(self):
        return {"month": previous_month(month_start(timezone.localdate()))}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["back_url"] = reverse("settlement_revenue:index")
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            revenue_set(
                copromotion_id=data["copromotion"].pk, month=data["month"], revenue=data["revenue"],
                user_id=self.request.user.pk, note=data["note"],
            )
        except SettlementRefused as refused:
            form.add_error(None, refused.message)
            return self.form_invalid(form)
        messages.success(self.request, _("The revenue was saved."))
        return redirect("settlement_revenue:index")


class StatementTransitionView(View):
    """POST only: approve or issue one statement."""

    http_method_names = ["post"]
    service = None
    done_message = ""

    def post(self, request, pk: int):
        if not request.user.has_perm(APPROVE_PERMISSION):
            raise PermissionDenied
        try:
            type(self).service(statement_id=pk, user_id=request.user.pk)
        except SettlementRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, self.done_message)
        return redirect("settlement_statements:inspect", pk)


class StatementApproveView(StatementTransitionView):
    service = staticmethod(statement_approve)
    done_message = _("The statement is approved.")


class StatementIssueView(StatementTransitionView):
    service = staticmethod(statement_issue)
    done_message = _("The statement is issued; it can no longer change.")


class StatementDownloadView(View):
    http_method_names = ["get"]
    permission = "settlement.view_statement"

    def get(self, request, pk: int, fmt: str):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        if fmt not in ("csv", "pdf"):
            raise Http404
        statement = get_object_or_404(Statement.objects.select_related("partner"), pk=pk)
        lines = list(selectors.statement_lines(statement=statement))
        if fmt == "csv":
            response = HttpResponse(statement_csv(statement, lines), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(statement_pdf(statement, lines), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{statement_filename(statement, fmt)}"'
        return response
