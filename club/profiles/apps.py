"""Usage profiles, the six segments and churn risk (the structural tier; issue 7)."""
from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "club.profiles"
    label = "profiles"
    verbose_name = "Profiles and segments"

    def ready(self):
        from config.metrics import gauge_source_register
        from rewards.billing.listeners import billing_applied_listener_register

        from .services.pending import profiles_refresh_pending_count, profiles_refresh_request

        # a batch of billing events asks for its members' refresh after it commits
        billing_applied_listener_register(profiles_refresh_request)
        gauge_source_register(
            name="profile_refreshes_pending",
            documentation="Profile refreshes asked for by billing and not yet done (the refresh backlog).",
            read=lambda: {(): profiles_refresh_pending_count()},
        )
        # an erasure blanks the churn score and override reasons at once (personal_data.py)
