from django.apps import AppConfig


class ContactConfig(AppConfig):
    name = "campaigns.contact"
    label = "contact"
    verbose_name = "Contacts and caps"
