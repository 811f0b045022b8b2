from django.apps import AppConfig


class BundlesConfig(AppConfig):
    name = "rewards.bundles"
    label = "bundles"
    verbose_name = "Custom bundles"

    def ready(self) -> None:
        from rewards.reference import reference_data_connect

        from .selectors import LIVE_TEMPLATES, RECOMMENDER_INPUTS

        reference_data_connect(LIVE_TEMPLATES)
        reference_data_connect(RECOMMENDER_INPUTS)
