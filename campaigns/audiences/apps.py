from django.apps import AppConfig


class AudiencesConfig(AppConfig):
    name = "campaigns.audiences"
    label = "audiences"
    verbose_name = "Audiences"
