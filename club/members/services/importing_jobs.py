"""Import runs started from the Wagtail admin: a ``SubscriberImport`` row per upload, run by a
Celery task after commit, writing its progress as it goes so the admin can poll it."""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from ..models import SubscriberImport
from .importing import ImportReport, subscriber_import_file
from .importing_files import file_format_guess
from .importing_mapping import ImportMapping, mapping_parse

logger = logging.getLogger(__name__)

ERRORS_KEPT = 1000  # errors stored on the run for the admin; the count is always exact


def subscriber_import_job_create(
    *,
    file: File,
    original_name: str,
    mapping: ImportMapping,
    all_or_nothing: bool,
    dry_run: bool,
    started_by: Any,
) -> SubscriberImport:
    """Store the upload and queue its run once the row is committed."""
    from ..tasks import subscriber_import_run  # tasks import services, not the other way round

    mode = SubscriberImport.Mode.ALL_OR_NOTHING if all_or_nothing else SubscriberImport.Mode.BEST_EFFORT
    with transaction.atomic():
        job = SubscriberImport(
            original_name=original_name[:255],
            mapping_name=mapping.name[:80],
            mapping=dict(mapping.raw),
            mode=mode,
            dry_run=dry_run,
            started_by=started_by,
        )
        job.file.save(original_name, file, save=False)
        job.save()
        subscriber_import_run.delay_on_commit(job.pk)
    return job


def _job_update(job_id: int, **values: Any) -> None:
    SubscriberImport.objects.filter(pk=job_id).update(**values)


def subscriber_import_job_run(*, job_id: int) -> ImportReport | None:
    """Run a queued import once: a second delivery of the task finds it no longer queued."""
    claimed = SubscriberImport.objects.filter(
        pk=job_id, state=SubscriberImport.State.QUEUED
    ).update(state=SubscriberImport.State.RUNNING)
    if not claimed:
        return None
    job = SubscriberImport.objects.get(pk=job_id)
    try:
        report = _job_import(job)
    except Exception as exc:  # the run must end in a state staff can see, whatever happened
        logger.exception("Subscriber import %s failed", job_id)
        _job_update(job_id, state=SubscriberImport.State.FAILED, failure=str(exc)[:2000],
                    finished_at=timezone.now())
        return None
    rejected = not report.written and not report.dry_run
    _job_update(
        job_id,
        state=SubscriberImport.State.REJECTED if rejected else SubscriberImport.State.DONE,
        total_rows=report.total_rows,
        processed_rows=report.total_rows,
        created_count=report.created,
        updated_count=report.updated,
        unchanged_count=report.unchanged,
        error_count=len(report.errors),
        errors=[asdict(error) for error in report.errors[:ERRORS_KEPT]],
        finished_at=timezone.now(),
    )
    return report


def _job_import(job: SubscriberImport) -> ImportReport:
    def progress(processed: int, total: int) -> None:
        _job_update(job.pk, processed_rows=processed, total_rows=total)

    mapping = mapping_parse(data=job.mapping, name=job.mapping_name)
    with job.file.open("rb") as handle:
        return subscriber_import_file(
            file=handle,
            file_format=file_format_guess(name=job.original_name),
            mapping=mapping,
            all_or_nothing=job.mode == SubscriberImport.Mode.ALL_OR_NOTHING,
            dry_run=job.dry_run,
            progress=progress,
            recorded_by_id=job.started_by_id,
        )
