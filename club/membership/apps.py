from django.apps import AppConfig


class MembershipConfig(AppConfig):
    name = "club.membership"
    label = "membership"
    verbose_name = "Club membership"
