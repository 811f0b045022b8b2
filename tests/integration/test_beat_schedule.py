"""Every beat entry names a task the workers know (a typo would fail silently at run time)."""

from django.conf import settings

from config.celery import app


def test_every_beat_entry_is_a_registered_task():
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert scheduled - set(app.tasks) == set()
    assert {"audiences.counts_refresh_nightly", "sends.tick", "contact.deliveries_send_due",
            "sends.wagtail_publish_scheduled"} <= scheduled
