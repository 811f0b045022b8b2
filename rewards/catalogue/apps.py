from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "rewards.catalogue"
    label = "catalogue"
    verbose_name = "Rewards catalogue"
