from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "club.events"
    label = "events"
    verbose_name = "Club events"

    def ready(self) -> None:
        from rewards.reference import reference_data_connect

        from .selectors import UPCOMING_EVENTS

        reference_data_connect(UPCOMING_EVENTS)
