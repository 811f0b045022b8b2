from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoPromotionsConfig(AppConfig):
    name = "partners.copromotions"
    label = "copromotions"
    verbose_name = _("Co-promotions")

    def ready(self) -> None:
        from campaigns.offers.extensions import offer_extension_register

        from .member_codes import COPROMOTION_OFFER
        from .review import connect_campaign_workflow

        connect_campaign_workflow()
        offer_extension_register(COPROMOTION_OFFER)  # the member's code, given on accepting the offer
