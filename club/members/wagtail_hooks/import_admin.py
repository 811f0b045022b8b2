"""Members > Import subscribers: upload a file, pick a mapping and a mode, watch the progress.

The upload creates a ``SubscriberImport`` and queues its Celery task after commit; the progress
page polls a small partial with htmx until the run has finished. Staff only (the Wagtail
admin), and only those who may add members.
"""

from __future__ import annotations

import json

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ..models import SubscriberImport
from ..services.importing import import_mapping_load, import_mapping_names
from ..services.importing_files import FileFormatUnknown, file_format_guess
from ..services.importing_jobs import subscriber_import_job_create
from ..services.importing_mapping import MappingInvalid, mapping_parse
from .member_admin import MEMBERS_MENU_HOOK

IMPORT_PERMISSION = "members.add_member"
UPLOADED_MAPPING = "__upload__"
RECENT_RUNS = 10


def _require_import_permission(request) -> None:
    if not request.user.has_perm(IMPORT_PERMISSION):
        raise PermissionDenied


class SubscriberImportForm(forms.Form):
    file = forms.FileField(label=_("Subscriber file"), help_text=_("CSV (with a header row) or JSONL."))
    mapping_name = forms.ChoiceField(label=_("Column mapping"))
    mapping_file = forms.FileField(
        label=_("Mapping file"), required=False,
        help_text=_("Only with “Upload a mapping”: a mapping JSON (see docs/import.md)."),
    )
    mode = forms.ChoiceField(
        label=_("Mode"), choices=SubscriberImport.Mode.choices,
        initial=SubscriberImport.Mode.BEST_EFFORT, widget=forms.RadioSelect,
    )
    dry_run = forms.BooleanField(
        label=_("Dry run"), required=False,
        help_text=_("Check every row and count what would change; write nothing."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mapping_name"].choices = [
            *((name, name) for name in import_mapping_names()),
            (UPLOADED_MAPPING, _("Upload a mapping…")),
        ]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            file_format_guess(name=upload.name)
        except FileFormatUnknown as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("mapping_name")
        if name and name != UPLOADED_MAPPING:
            cleaned["mapping"] = import_mapping_load(name)
        elif name == UPLOADED_MAPPING:
            cleaned["mapping"] = self._uploaded_mapping(cleaned.get("mapping_file"))
        return cleaned

    def _uploaded_mapping(self, upload):
        if upload is None:
            raise forms.ValidationError({"mapping_file": _("Upload the mapping JSON file.")})
        try:
            data = json.loads(upload.read().decode("utf-8"))
            return mapping_parse(data=data, name=upload.name.rsplit(".", 1)[0])
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise forms.ValidationError({"mapping_file": _("This is not a JSON file: %s") % exc}) from exc
        except MappingInvalid as exc:
            raise forms.ValidationError({"mapping_file": str(exc)}) from exc


class SubscriberImportView(WagtailAdminTemplateMixin, FormView):
    form_class = SubscriberImportForm
    template_name = "members/import/upload.html"
    page_title = _("Import subscribers")
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        _require_import_permission(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["recent_runs"] = SubscriberImport.objects.select_related("started_by")[:RECENT_RUNS]
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        job = subscriber_import_job_create(
            file=data["file"],
            original_name=data["file"].name,
            mapping=data["mapping"],
            all_or_nothing=data["mode"] == SubscriberImport.Mode.ALL_OR_NOTHING,
            dry_run=data["dry_run"],
            started_by=self.request.user,
        )
        return redirect("members_import_progress", pk=job.pk)


class SubscriberImportProgressView(WagtailAdminTemplateMixin, TemplateView):
    """The run's page; with ``partial=True`` only the status block that htmx polls."""

    template_name = "members/import/progress.html"
    header_icon = "upload"
    partial = False

    def dispatch(self, request, *args, **kwargs):
        _require_import_permission(request)
        self.job = get_object_or_404(SubscriberImport, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_template_names(self):
        return ["members/import/_status.html"] if self.partial else [self.template_name]

    def get_page_title(self):
        return _("Import of %(name)s") % {"name": self.job.original_name}

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items,
                {"url": reverse("members_import"), "label": _("Import subscribers")},
                {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["job"] = self.job
        context["status_url"] = reverse("members_import_status", kwargs={"pk": self.job.pk})
        return context


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(IMPORT_PERMISSION)


@hooks.register("register_admin_urls")
def register_import_urls():
    return [
        path("member-import/", SubscriberImportView.as_view(), name="members_import"),
        path("member-import/<int:pk>/", SubscriberImportProgressView.as_view(),
             name="members_import_progress"),
        path("member-import/<int:pk>/status/", SubscriberImportProgressView.as_view(partial=True),
             name="members_import_status"),
    ]


@hooks.register(MEMBERS_MENU_HOOK)
def register_import_menu_item():
    return ImportMenuItem(_("Import subscribers"), reverse("members_import"), icon_name="upload",
                          order=300)
