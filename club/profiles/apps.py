"""Usage profiles, the six segments and churn risk (the structural tier; issue 7)."""
from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "club.profiles"
    label = "profiles"
    verbose_name = "Profiles and segments"

    def ready(self):
        from club.members.services.privacy import member_erasure_step_register
        from rewards.billing.listeners import billing_applied_listener_register

        from .churn.services import churn_score_erase
        from .segments.services import segment_override_reasons_erase
        from .tasks import profiles_refresh_queue

        # a batch of billing events refreshes its members' profiles after it commits
        billing_applied_listener_register(profiles_refresh_queue)
        # an erased member's churn score and factors go at once, not at the next night's scoring
        member_erasure_step_register(churn_score_erase)
        member_erasure_step_register(segment_override_reasons_erase)
