from django.apps import AppConfig


class ContactConfig(AppConfig):
    name = "campaigns.contact"
    label = "contact"
    verbose_name = "Contacts and caps"

    def ready(self) -> None:
        from config.metrics import gauge_source_register

        from .selectors import deliveries_waiting_count

        gauge_source_register(
            name="deliveries_waiting",
            documentation="Deliveries reserved or being sent, not yet sent nor failed (the send backlog).",
            read=lambda: {(): deliveries_waiting_count()},
        )
