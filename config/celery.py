"""The Celery app. Tasks are thin adapters that take ids; queue them after commit:

    member_import_run.delay_on_commit(job.pk)

``DjangoTask.delay_on_commit`` defers ``delay`` to ``transaction.on_commit``, so a worker never
sees an id whose row is not yet committed (DESIGN.md invariant 5).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("troika", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Queue ``task`` with ``args`` once the current transaction commits (at once if none)."""
    task.delay_on_commit(*args, **kwargs)
