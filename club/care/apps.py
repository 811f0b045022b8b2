from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "club.care"
    label = "care"
    verbose_name = "Personal contact and care"
