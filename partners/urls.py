"""The partner portal, mounted at ``/partners/`` (namespace ``partners``).

Each partners app adds its pages with one ``include`` line here and its menu entries in
``PORTAL_NAV``; every view behind these URLs is wrapped by
``partners.organisations.access.partner_user_required`` (docs/partners.md).
"""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _

app_name = "partners"

urlpatterns = [
    path("", include("partners.organisations.urls")),
    path("", include("partners.copromotions.urls")),
    path("", include("partners.api.urls")),
    path("", include("partners.settlement.urls")),
]

# The portal's menu: (URL name in this namespace, label, admin only). An entry whose URL is not
# mounted (yet) is left out of the menu.
PORTAL_NAV: list[tuple[str, object, bool]] = [
    ("partners:dashboard", _("Dashboard"), False),
    ("partners:copromotions", _("Co-promotions"), False),
    ("partners:team", _("Team"), False),
    ("partners:invitations", _("Invitations"), False),
    ("partners:api_keys", _("API keys"), True),
    ("partners:statements", _("Statements"), False),
]
