from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "club.members"
    label = "members"
    verbose_name = "Members"
