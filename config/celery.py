"""The Celery app. Tasks are thin adapters that take ids; queue them after commit:

    member_import_run.delay_on_commit(job.pk)

``DjangoTask.delay_on_commit`` defers ``delay`` to ``transaction.on_commit``, so a worker never
sees an id whose row is not yet committed (DESIGN.md invariant 5).
"""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("troika", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The request id travels in task headers: its signal handlers connect on import.
import config.request_context  # noqa: E402, F401


@signals.setup_logging.connect(weak=False)
def _logging_from_django(**_kwargs) -> None:
    """Workers and beat log as Django does (``settings.LOGGING``: JSON lines in production, the
    request id of the request that queued a task; docs/observability.md), not Celery's format."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Queue ``task`` with ``args`` once the current transaction commits (at once if none)."""
    task.delay_on_commit(*args, **kwargs)
