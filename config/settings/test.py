"""Tests: the database and Redis come from DATABASE_URL / REDIS_URL when set."""

from .base import *  # noqa: F403
from .env import env

DEBUG = False
SECRET_KEY = "test-only-not-secret"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "club.members.sms.LocmemSmsBackend"
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
REQUIRE_SERVICES = env.bool("REQUIRE_SERVICES", default=False)
# /ops/metrics' counters (config/counters.py) of tests that do not set a key of their own
METRICS_COUNTERS_KEY = "test:metrics:counters"
METRICS_FLUSH_SECONDS = 0  # each request's count is sent at once: the tests read it back
