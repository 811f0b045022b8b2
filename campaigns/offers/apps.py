from django.apps import AppConfig


class OffersConfig(AppConfig):
    name = "campaigns.offers"
    label = "offers"
    verbose_name = "Offers"

    def ready(self) -> None:
        from rewards.discounts.offers import offer_discount_source_register

        from .selectors import offer_discounts_for_members, offer_discounts_held_on

        offer_discount_source_register(offer_discounts_for_members, held=offer_discounts_held_on)
