from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "club.events"
    label = "events"
    verbose_name = "Club events"

    def ready(self) -> None:
        from club.members.services.privacy import member_erasure_step_register
        from rewards.reference import reference_data_connect

        from .selectors import UPCOMING_EVENTS
        from .services import calendar_feed_erase

        reference_data_connect(UPCOMING_EVENTS)
        member_erasure_step_register(calendar_feed_erase)
