"""Production: PostgreSQL, Redis, SMTP, HTTPS. Refuses to start when misconfigured."""

from django.core.exceptions import ImproperlyConfigured

from config.logs import logging_config

from .base import *  # noqa: F403
from .base import DATABASES, LOG_LEVEL, REDIS_URL, SECRET_KEY
from .env import env

DEBUG = env.bool("DEBUG", default=False)
if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")
if SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured("SECRET_KEY is missing or insecure: set a random key of 50+ characters.")
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Production runs on PostgreSQL: set DATABASE_URL=postgres://...")
if not REDIS_URL:
    raise ImproperlyConfigured("Production needs Redis: set REDIS_URL=redis://...")

CELERY_TASK_ALWAYS_EAGER = False
LOG_FORMAT = env.str("LOG_FORMAT", default="json")  # one JSON object per line (docs/observability.md)
LOGGING = logging_config(log_format=LOG_FORMAT, level=LOG_LEVEL)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preloading binds the whole registrable domain to HTTPS in browsers for months: the operator
# opts in (SECURE_HSTS_PRELOAD=true) once every subdomain is HTTPS. Until then Django's advice
# to preload (security.W021) is a decision taken, not a warning (docs/security.md).
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W021"]  # noqa: F405
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
