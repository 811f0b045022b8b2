"""The partner portal's co-promotion pages (mounted under ``/partners/co-promotions/``).

Every view is behind the partner gate and loads a co-promotion only through
``access_copromotion_for_partner`` (another partner's id: 404). Analysts read; administrators
propose, edit drafts, submit and add codes. Views parse, authorise, call one service, render.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from partners.organisations.access import partner_admin_required, partner_user_required

from .access import access_copromotion_for_partner
from .forms import CodesGenerateForm, CodesUploadForm, CoPromotionForm
from .models import CoPromotionState
from .selectors import copromotion_stats, copromotions_for_partner
from .services import (
    CoPromotionError,
    copromotion_codes_generate,
    copromotion_codes_upload,
    copromotion_propose,
    copromotion_submit,
    copromotion_update_draft,
)


@partner_user_required
def copromotion_list(request: HttpRequest) -> HttpResponse:
    rows = copromotions_for_partner(partner_id=request.partner_user.partner_id)
    return render(request, "copromotions/list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@partner_admin_required
def copromotion_new(request: HttpRequest) -> HttpResponse:
    form = CoPromotionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        partner_user = request.partner_user
        try:
            copromotion = copromotion_propose(
                partner_id=partner_user.partner_id, user_id=request.user.pk, data=form.cleaned_data
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, _("Draft saved. Add codes, then submit it for review."))
            return redirect("partners:copromotion_detail", copromotion.pk)
    status = 400 if form.is_bound else 200
    return render(request, "copromotions/form.html", {"form": form, "copromotion": None}, status=status)


@partner_user_required
def copromotion_detail(request: HttpRequest, copromotion_id: int) -> HttpResponse:
    copromotion = access_copromotion_for_partner(request, copromotion_id)
    return _detail(request, copromotion)


def _detail(request, copromotion, *, upload_form=None, generate_form=None, problems=None, status=200):
    context = {
        "copromotion": copromotion,
        "status": copromotion.status,
        "stats": copromotion_stats(copromotion_id=copromotion.pk),
        "is_draft": copromotion.state == CoPromotionState.DRAFT,
        "upload_form": upload_form or CodesUploadForm(),
        "generate_form": generate_form or CodesGenerateForm(),
        "problems": problems or [],
    }
    return render(request, "copromotions/detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
@partner_admin_required
def copromotion_edit(request: HttpRequest, copromotion_id: int) -> HttpResponse:
    copromotion = access_copromotion_for_partner(request, copromotion_id)
    if copromotion.state != CoPromotionState.DRAFT:
        messages.error(request, _("Only a draft can be changed."))
        return redirect("partners:copromotion_detail", copromotion.pk)
    form = CoPromotionForm(request.POST or None, initial=CoPromotionForm.initial_from(copromotion))
    if request.method == "POST" and form.is_valid():
        try:
            copromotion_update_draft(
                copromotion_id=copromotion.pk,
                partner_id=request.partner_user.partner_id,
                user_id=request.user.pk,
                data=form.cleaned_data,
            )
        except CoPromotionError as refused:
            messages.error(request, refused.message)
            return redirect("partners:copromotion_detail", copromotion.pk)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("partners:copromotion_detail", copromotion.pk)
    status = 400 if form.is_bound else 200
    return render(
        request, "copromotions/form.html", {"form": form, "copromotion": copromotion}, status=status
    )


@require_POST
@partner_admin_required
def copromotion_submit_view(request: HttpRequest, copromotion_id: int) -> HttpResponse:
    copromotion = access_copromotion_for_partner(request, copromotion_id)
    try:
        copromotion_submit(
            copromotion_id=copromotion.pk, partner_id=request.partner_user.partner_id, user_id=request.user.pk
        )
    except CoPromotionError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Submitted. The operator reviews it and sets the terms."))
    return redirect("partners:copromotion_detail", copromotion.pk)


@require_POST
@partner_admin_required
def copromotion_codes(request: HttpRequest, copromotion_id: int) -> HttpResponse:
    copromotion = access_copromotion_for_partner(request, copromotion_id)
    partner_id = request.partner_user.partner_id
    if "count" in request.POST:
        form = CodesGenerateForm(request.POST)
        if not form.is_valid():
            return _detail(request, copromotion, generate_form=form, status=400)
        try:
            added = copromotion_codes_generate(
                copromotion_id=copromotion.pk, count=form.cleaned_data["count"], partner_id=partner_id
            )
        except ValueError as refused:
            messages.error(request, str(refused))
            return redirect("partners:copromotion_detail", copromotion.pk)
        messages.success(request, _("%(count)s codes generated.") % {"count": added})
        return redirect("partners:copromotion_detail", copromotion.pk)
    form = CodesUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, copromotion, upload_form=form, status=400)
    try:
        report = copromotion_codes_upload(
            copromotion_id=copromotion.pk, file=form.cleaned_data["file"], partner_id=partner_id
        )
    except ValueError as refused:
        messages.error(request, str(refused))
        return redirect("partners:copromotion_detail", copromotion.pk)
    if not report.is_success:
        return _detail(request, copromotion, upload_form=form, problems=report.problems, status=400)
    messages.success(request, _("%(count)s codes added.") % {"count": report.added})
    return redirect("partners:copromotion_detail", copromotion.pk)
