from django.apps import AppConfig


class BundlesConfig(AppConfig):
    name = "rewards.bundles"
    label = "bundles"
    verbose_name = "Custom bundles"
