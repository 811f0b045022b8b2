from django.urls import path

from . import portal_events, portal_preferences, portal_rewards, portal_statement, portal_views

app_name = "portal"

urlpatterns = [
    path("", portal_views.dashboard, name="dashboard"),
    path("offers/<int:delivery_id>/accept/", portal_views.offer_accept, name="offer_accept"),
    path("events/<int:event_id>/rsvp/", portal_views.event_rsvp, name="event_rsvp"),
    path("events/<int:event_id>/rsvp/cancel/", portal_views.event_rsvp_cancel, name="event_rsvp_cancel"),
    path("link/", portal_views.link_choose, name="link"),
    path("link/code/", portal_views.link_code_request, name="link_code"),
    path("link/code/verify/", portal_views.link_code_verify, name="link_code_verify"),
    path("link/account/", portal_views.link_by_account, name="link_account"),
    # No login: the signed token in an email's link is the proof (docs/email.md).
    path("unsubscribe/<str:token>/", portal_views.unsubscribe, name="unsubscribe"),
    path("unsubscribe/<str:token>/one-click/", portal_views.unsubscribe_one_click,
         name="unsubscribe_one_click"),
]
# Each area of the portal keeps its views and routes in a module of its own.
urlpatterns += portal_rewards.urlpatterns + portal_statement.urlpatterns + portal_preferences.urlpatterns
urlpatterns += portal_events.urlpatterns
from . import portal_membership  # noqa: E402, I001 (club membership, paid or earned: its own module)

urlpatterns += portal_membership.urlpatterns
from . import portal_surveys  # noqa: E402, I001 (satisfaction surveys and complaints: club.care)

urlpatterns += portal_surveys.urlpatterns
from . import portal_bundles  # noqa: E402, I001 (the bundle builder and "My bundles": rewards.bundles)

urlpatterns += portal_bundles.urlpatterns
from . import portal_partner_codes  # noqa: E402, I001 (a member's co-promotion codes: partners.copromotions)

urlpatterns += portal_partner_codes.urlpatterns
