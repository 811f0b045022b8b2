from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    label = "cms"
    verbose_name = "Site and portal"

    def ready(self) -> None:
        from .models import site_nav_connect

        site_nav_connect()
