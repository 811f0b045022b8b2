from django.apps import AppConfig


class SendsConfig(AppConfig):
    name = "campaigns.sends"
    label = "sends"
    verbose_name = "Sends"
