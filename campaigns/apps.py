from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    label = "campaigns"
    verbose_name = "Campaigns"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .selectors import campaign_display_forget

        def message_written(sender, instance, using=None, **kwargs):
            campaign_display_forget(campaign_id=instance.campaign_id, using=using)

        def campaign_written(sender, instance, using=None, **kwargs):
            campaign_display_forget(campaign_id=instance.pk, using=using)

        for signal in (post_save, post_delete):
            signal.connect(message_written, sender="campaigns.CampaignMessage", weak=False,
                           dispatch_uid=f"campaign-display:{signal is post_save}:message")
            signal.connect(campaign_written, sender="campaigns.Campaign", weak=False,
                           dispatch_uid=f"campaign-display:{signal is post_save}:campaign")
