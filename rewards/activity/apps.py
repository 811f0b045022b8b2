from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "rewards.activity"
    label = "activity"
    verbose_name = "Member activity"
