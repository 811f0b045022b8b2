"""The member portal's preferences and privacy pages (views and their URLs, included by
``cms.portal_urls``): preferences in sections saved one at a time (HTMX re-renders the
section alone, a plain POST the whole page), the data export and the erasure request."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from club.accounts.ratelimit import RateLimit, ratelimit_consume
from club.members.models import ConsentRecord, Member, MemberErasure
from club.members.selectors import member_consent_history, member_for_user, member_interest_ids
from club.members.services.preferences import (
    PreferencesInvalid,
    member_consents_set,
    member_contact_limits_set,
    member_interests_set,
    member_language_set,
)
from club.members.services.privacy import member_erase

from .preferences_forms import (
    ChannelsForm,
    ContactLimitsForm,
    ErasureConfirmForm,
    InterestsForm,
    LanguageForm,
    PurposesForm,
)
from .privacy_export import member_data_export_json

# Password guesses through the erasure form, per login: the login form's own limits do not
# see these.
ERASURE_CONFIRM_RATE = RateLimit(action="portal_erasure_confirm", limit=5, window_seconds=3600)


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    form_class: type
    description: str = ""


SECTIONS = {
    section.name: section for section in (
        Section("channels", gettext_lazy("Channels"), ChannelsForm,
                gettext_lazy("Where the club may send you messages.")),
        Section("purposes", gettext_lazy("Consents"), PurposesForm),
        Section("limits", gettext_lazy("How often and when"), ContactLimitsForm),
        Section("interests", gettext_lazy("Interests"), InterestsForm),
        Section("language", gettext_lazy("Language"), LanguageForm),
    )
}


def _initial(member: Member, name: str) -> dict:
    if name == "channels":
        return {"channel_portal": member.consent_portal, "channel_email": member.consent_email,
                "channel_sms": member.consent_sms}
    if name == "purposes":
        return {"marketing": member.consent_marketing, "profiling": member.consent_profiling}
    if name == "limits":
        return {"max_messages_per_week": member.max_messages_per_week,
                "quiet_hours_start": member.quiet_hours_start, "quiet_hours_end": member.quiet_hours_end}
    if name == "interests":
        return {"interests": member_interest_ids(member_id=member.pk)}
    return {"language": member.language}


def _save(request: HttpRequest, member: Member, name: str, form) -> None:
    """Call the section's service; raises PreferencesInvalid on what the form let through."""
    if name in ("channels", "purposes"):
        member_consents_set(member_id=member.pk, granted_by_purpose=form.consents(),
                            source=ConsentRecord.Source.PORTAL, recorded_by=request.user)
    elif name == "limits":
        member_contact_limits_set(member_id=member.pk, limits=form.limits())
    elif name == "interests":
        member_interests_set(member_id=member.pk, interest_ids=[i.pk for i in form.cleaned_data["interests"]])
    else:
        member_language_set(member_id=member.pk, language=form.cleaned_data["language"])


def _bound_sections(member: Member, posted: str | None = None, form=None) -> list[dict]:
    return [
        {"section": section,
         "form": form if section.name == posted
         else section.form_class(initial=_initial(member, section.name), prefix=section.name)}
        for section in SECTIONS.values()
    ]


def _page(request: HttpRequest, member: Member, *, status: int = 200, **bound) -> HttpResponse:
    context = {
        "member": member,
        "sections": _bound_sections(member, **bound),
        "history": member_consent_history(member_id=member.pk),
    }
    return render(request, "portal/preferences/page.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    member = member_for_user(user=request.user)
    if member is None:
        return redirect("portal:link")
    if request.method == "GET":
        return _page(request, member)
    section = SECTIONS.get(request.POST.get("section", ""))
    if section is None:
        messages.error(request, _("Choose which preferences to save."))
        return _page(request, member, status=400)
    form = section.form_class(request.POST, prefix=section.name)
    saved = False
    if form.is_valid():
        try:
            _save(request, member, section.name, form)
        except PreferencesInvalid as exc:
            form.add_error(None, exc.message)
        else:
            saved = True
    if saved and section.name == "language":
        return _language_saved(request, form.cleaned_data["language"])
    if request.htmx:
        member.refresh_from_db()
        context = {"item": {"section": section, "form": form}, "saved": saved, "member": member,
                   "history": member_consent_history(member_id=member.pk), "oob_history": saved}
        return render(request, "portal/preferences/_section.html", context)
    if saved:
        messages.success(request, _("Your preferences are saved."))
        return redirect("portal:preferences")
    return _page(request, member, status=400, posted=section.name, form=form)


def _language_saved(request: HttpRequest, language: str) -> HttpResponse:
    """The pages switch language too: a full reload (also for HTMX) with the language cookie."""
    translation.activate(language)
    messages.success(request, _("Your preferences are saved."))
    response = redirect("portal:preferences")
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("portal:preferences")
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                        samesite="Lax", secure=request.is_secure())
    return response


@login_required
@require_GET
def privacy_export(request: HttpRequest) -> HttpResponse:
    member = member_for_user(user=request.user)
    if member is None:
        return redirect("portal:link")
    filename = f"troika-my-data-{timezone.localdate():%Y-%m-%d}.json"
    response = HttpResponse(member_data_export_json(member_id=member.pk),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def privacy_delete(request: HttpRequest) -> HttpResponse:
    member = member_for_user(user=request.user)
    if member is None:
        return redirect("portal:link")
    form = ErasureConfirmForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not ratelimit_consume(rate=ERASURE_CONFIRM_RATE, subject=str(request.user.pk)):
            context = {"form": ErasureConfirmForm(user=request.user),
                       "error": _("Too many attempts. Try again in an hour.")}
            return render(request, "portal/preferences/delete.html", context, status=429)
        if not form.is_valid():
            return render(request, "portal/preferences/delete.html", {"form": form}, status=400)
        member_erase(member_id=member.pk, source=MemberErasure.Source.PORTAL, erased_by=request.user)
        logout(request)
        messages.success(request, _("Your personal data has been erased and your login closed."))
        return redirect("/")
    return render(request, "portal/preferences/delete.html", {"form": form})


urlpatterns = [
    path("preferences/", preferences, name="preferences"),
    path("privacy/export/", privacy_export, name="privacy_export"),
    path("privacy/delete/", privacy_delete, name="privacy_delete"),
]
