"""Usage profiles, the six segments and churn risk (the structural tier; issue 7)."""
from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "club.profiles"
    label = "profiles"
    verbose_name = "Profiles and segments"

    def ready(self):
        from rewards.billing.listeners import billing_applied_listener_register

        from .tasks import profiles_refresh_queue

        # a batch of billing events refreshes its members' profiles after it commits
        billing_applied_listener_register(profiles_refresh_queue)
        # an erasure blanks the churn score and override reasons at once (personal_data.py)
