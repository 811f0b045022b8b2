from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.logs import logging_config

from .env import BASE_DIR, env
from .integration_accounts import *  # noqa: F403
from .integration_celery import *  # noqa: F403
from .integration_messaging import *  # noqa: F403
from .integration_stripe import *  # noqa: F403

SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-dev-only-change-me")
# Rotation (docs/runbook.md): the previous keys, still accepted for signatures made with them.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
# The partner API keys' hash secret (partners/api/services/keys.py; empty: SECRET_KEY). Set it
# before the first SECRET_KEY rotation, or that rotation invalidates every partner key.
PARTNER_API_KEY_PEPPER = env.str("PARTNER_API_KEY_PEPPER", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # the club's bottom layer first so its templates win
    "club.accounts",
    "club.audit",
    "club.members",
    "club.membership",
    "club.events",
    "club.care",
    "club.profiles",
    "rewards.activity",
    "rewards.ledger",
    "rewards.earning",
    "rewards.tiers",
    "rewards.discounts",
    "rewards.catalogue",
    "rewards.billing",
    "rewards.bundles",
    "rewards",
    "campaigns.audiences",
    "campaigns.contact",
    "campaigns.sends",
    "campaigns",
    "campaigns.offers",
    "campaigns.reports",
    "partners",
    "partners.organisations",
    "partners.copromotions",
    "partners.api",
    "partners.settlement",
    "cms",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # accounts
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Django
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "config.ops",  # db_backup, db_restore (docs/runbook.md)
]

MIDDLEWARE = [
    "config.request_context.RequestIdMiddleware",  # first: every later line has the id
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "club.accounts.middleware.StaffMfaRequiredMiddleware",
    "club.audit.middleware.AuditContextMiddleware",  # admin requests only; docs/audit.md
    "club.members.admin.personal_data_shown.PersonalDataShownMiddleware",  # docs/audit.md
    "partners.organisations.middleware.PartnerUserConfinedMiddleware",  # docs/partners.md
    "django_htmx.middleware.HtmxMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cms" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
                "cms.context_processors.site_links",
            ],
            # Django's i18n library with constant translations kept per language (docs/i18n.md).
            "libraries": {"i18n": "cms.templatetags.i18n_kept"},
        },
    },
]

# --- data stores -------------------------------------------------------------------------
# Embedded default: SQLite in var/. Production and CI: DATABASE_URL=postgres://...
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'troika.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the dev server and an import run side by side.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    # Covering indexes (INCLUDE columns) speed up PostgreSQL's cap checks; SQLite builds the
    # same indexes without them, which is all the embedded mode needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
# The i18n library is ours on purpose (TEMPLATES above), which Django's check of library names
# used twice reports; tests/unit/test_i18n_kept.py checks that no other name is used twice.
SILENCED_SYSTEM_CHECKS = [*globals().get("SILENCED_SYSTEM_CHECKS", []), "templates.W003"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The portal's prepared reads (rewards/prepared.py) as server-side prepared statements on
# PostgreSQL. Off behind a pooler that cannot keep them (PgBouncer in transaction mode < 1.21).
PREPARED_STATEMENTS = env.bool("PREPARED_STATEMENTS", default=True)

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.SharedClientRedisCache",  # Django's, one client per pool
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="troika"),
        }
    }
    # Sessions are read from Redis and written to both: a logged-in page costs no session query,
    # and a flushed Redis only sends the next read back to the table. Not with the per-process
    # memory cache below, where another process would keep a stale copy.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Django's and allauth's, reading the logged-in user with a prepared statement.
    "cms.auth_backends.SiteModelBackend",
    "cms.auth_backends.SiteAuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- the operator --------------------------------------------------------------------------
LANGUAGE_CODE = env.str("DEFAULT_LANGUAGE", default="en")
LANGUAGES = [
    ("en", _("English")),
    ("vi", _("Vietnamese")),
    ("zh-hans", _("Simplified Chinese")),
    ("ru", _("Russian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Vietnamese and Chinese number (and Vietnamese date) formats (see config/formats/). Thousand
# separators are forced only where a template asks (floatformat:"0g", intcomma, money), never
# globally: USE_THOUSAND_SEPARATOR would also group ids printed into URLs and attributes.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

# The operator's currency: ISO 4217 code and its minor unit (VND has none).
OPERATOR_NAME = env.str("OPERATOR_NAME", default="Sao Mobile")
OPERATOR_CURRENCY = env.str("OPERATOR_CURRENCY", default="VND")
OPERATOR_CURRENCY_DECIMALS = env.int("OPERATOR_CURRENCY_DECIMALS", default=0)
OPERATOR_CURRENCY_QUANTUM = Decimal(1).scaleb(-OPERATOR_CURRENCY_DECIMALS)

# Fonts of the settlement statements' PDF (partners/settlement/pdf_fonts.py): for each face the
# first file found is embedded (TrueType outlines only; a ".ttc" entry is (path, subfont index)).
# Debian: fonts-dejavu-core (Latin with Vietnamese, Cyrillic, Greek), fonts-wqy-zenhei (Chinese).
# Without a CJK file, Chinese runs use reportlab's built-in CID font (not embedded, needs no
# file; "" turns it off); without a regular face, Helvetica (Latin-1 only) with a warning.
SETTLEMENT_PDF_FONTS = {
    "regular": [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/TTF/DejaVuSans.ttf",
    ],
    "bold": [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
    ],
    "italic": [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans-Oblique.ttf",
        "/usr/share/fonts/TTF/DejaVuSans-Oblique.ttf",
    ],
    "cjk": [
        ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
        ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
        ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ],
}
SETTLEMENT_PDF_CJK_CID_FONT = env.str("SETTLEMENT_PDF_CJK_CID_FONT", default="STSong-Light")
# The default country for reading national phone numbers into E.164.
OPERATOR_PHONE_REGION = env.str("OPERATOR_PHONE_REGION", default="VN")
# Refused billing events (Rewards → Quarantined events) may carry a line that never became a
# member, which no erasure finds: the nightly purge deletes them this many days after they came.
QUARANTINE_RETENTION_DAYS = env.int("QUARANTINE_RETENTION_DAYS", default=90)

# --- static and media --------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# A batch of 10,000 billing events is about 2 MB of JSON (more when pretty-printed).
DATA_UPLOAD_MAX_MEMORY_SIZE = 8 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Wagtail -----------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Troika"
# The site's public address, no trailing slash: absolute links in emails, the admin's links.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAIL_I18N_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False  # resets go through allauth, never a side door
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_FRONTEND_LOGIN_URL = "account_login"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:dashboard"

# --- security defaults shared by every environment ----------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# How many proxies in front of the web processes append the address they saw to X-Forwarded-For
# (a load balancer: 1). The client's address is read there, by one function for the audit log
# and every per-address limit (config/client_address.py); 0: the header is ignored.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT must be 0 or more, not {TRUSTED_PROXY_COUNT}.")

# --- Content-Security-Policy (django-csp), per area: docs/security.md ----------------------
INSTALLED_APPS += ["csp"]
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                  "config.csp.AreaCSPMiddleware")
MIDDLEWARE.insert(MIDDLEWARE.index("config.csp.AreaCSPMiddleware") + 1,
                  "config.csp.PermissionsPolicyMiddleware")
CSP_REPORT_URL = "/csp-report"
CSP_REPORT_GROUP = "csp"
CSP_REPORT_MAX_BYTES = 16 * 1024
# The site, the member portal, the account pages and the partner portal: our own files only,
# no inline script or style of any kind (no <script> body, on*= handler, style="" or <style>).
# form-action lets the membership checkout redirect to Stripe after its form is posted.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'", "https://checkout.stripe.com", "https://billing.stripe.com"],
        # 'self': the admin's live preview frames the member-facing rendering of a campaign or
        # a page (X-Frame-Options DENY still keeps every other view out of any frame)
        "frame-ancestors": ["'self'"],
        # where browsers send what the policy blocked (config/csp_reports.py): report-uri for
        # those without the Reporting API, report-to names the group of Reporting-Endpoints
        "report-uri": [CSP_REPORT_URL],
        "report-to": [CSP_REPORT_GROUP],
    },
}
# The Wagtail admin (and its login screens under the same prefix) still needs inline scripts
# and styles, and frames its own previews.
CSP_LAX_PATH_PREFIXES = ["/admin/"]
CSP_LAX_DIRECTIVES = {
    **CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "frame-src": ["'self'"],
    "frame-ancestors": ["'self'"],
}
# Permissions-Policy on every response (config.csp.PermissionsPolicyMiddleware): no page of ours
# uses these browser features, so none may, nor any frame. payment too: the membership checkout
# leaves for Stripe's own page, which sets its own policy.
PERMISSIONS_POLICY = {
    feature: [] for feature in (
        "accelerometer", "autoplay", "bluetooth", "camera", "display-capture", "geolocation",
        "gyroscope", "hid", "idle-detection", "magnetometer", "microphone", "midi", "payment",
        "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
    )
}
PERMISSIONS_POLICY["fullscreen"] = ["self"]
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no staff email hash sent to a third party, no img-src hole
WAGTAIL_ENABLE_UPDATE_CHECK = False  # the admin's browsers ask no outside server (connect-src)

# --- operations: logs with request ids, metrics (docs/observability.md) ----------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="text")  # production: json
LOGGING = logging_config(log_format=LOG_FORMAT, level=LOG_LEVEL)
# /ops/metrics answers a bearer token equal to METRICS_TOKEN (none set: superusers only).
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# Requests counted by area and status in /ops/metrics: a process sends its counts at most every
# METRICS_FLUSH_SECONDS, one Redis round trip for all (config/counters.py).
METRICS_FLUSH_SECONDS = env.float("METRICS_FLUSH_SECONDS", default=1.0)
METRICS_COUNTED_PATHS = {"/api/partner/": "partner_api", "/webhooks/": "webhooks",
                         "/api/operator/": "operator_api"}
