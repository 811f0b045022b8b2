from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "club.events"
    label = "events"
    verbose_name = "Club events"
