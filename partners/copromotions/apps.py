from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoPromotionsConfig(AppConfig):
    name = "partners.copromotions"
    label = "copromotions"
    verbose_name = _("Co-promotions")

    def ready(self) -> None:
        from .review import connect_campaign_workflow

        connect_campaign_workflow()
