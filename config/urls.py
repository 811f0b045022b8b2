import os

from django.conf import settings
from django.urls import include, path, reverse_lazy
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.language_views import language_switch
from config.csp_reports import csp_report
from config.health import healthz
from config.metrics import metrics
from partners.api.api import urls as partner_api_urls
from rewards.catalogue.member_api import api as member_api
from rewards.operator_api import api as operator_api

ADMIN_PREFIX = "admin/"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("ops/metrics", metrics, name="ops_metrics"),  # token or superuser (docs/observability.md)
    path(settings.CSP_REPORT_URL.lstrip("/"), csp_report, name="csp_report"),  # docs/security.md
    path("api/operator/v1/", operator_api.urls),
    path("api/member/v1/", member_api.urls),
    path("api/partner/v1/", partner_api_urls),  # docs/partners.md, "Partner API"
    path("webhooks/", include("club.membership.urls")),  # Stripe's events (docs/membership.md)
    # The Wagtail admin has no login of its own: every login goes through allauth, with its
    # rate limits and MFA (see docs/accounts.md).
    path(
        f"{ADMIN_PREFIX}login/",
        RedirectView.as_view(url=reverse_lazy("account_login"), query_string=True),
        name="wagtailadmin_login",
    ),
    path(
        f"{ADMIN_PREFIX}logout/",
        RedirectView.as_view(url=reverse_lazy("account_logout")),
        name="wagtailadmin_logout",
    ),
    path(ADMIN_PREFIX, include(wagtailadmin_urls)),
    path("accounts/", include("allauth.urls")),
    path("documents/", include(wagtaildocs_urls)),
    path("portal/", include("cms.portal_urls")),
    # The partner portal (docs/partners.md): partner users only, MFA required.
    path("partners/", include("partners.urls")),
    # Django's set_language, which also stores a member's choice (cms/language_views.py).
    path("i18n/setlang/", language_switch, name="set_language"),
]

if os.environ.get("BENCH_MINIMAL_VIEW") == "1":  # the benchmark server's baseline (bench/)
    urlpatterns += [path("", include("bench.minimal_view"))]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
