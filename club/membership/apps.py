from django.apps import AppConfig


class MembershipConfig(AppConfig):
    name = "club.membership"
    label = "membership"
    verbose_name = "Club membership"

    def ready(self):
        from club.members.privileges import club_membership_holders_register
        from club.members.services.privacy import member_erasure_step_register
        from rewards.reference import reference_data_connect

        from .selectors import PRICES_BY_STRIPE_ID, entitled_member_ids
        from .services.cancellation import membership_erasure_cancel_record

        club_membership_holders_register(entitled_member_ids)
        reference_data_connect(PRICES_BY_STRIPE_ID)
        # an erased member's paid subscription is cancelled at Stripe (docs/privacy.md)
        member_erasure_step_register(membership_erasure_cancel_record)
