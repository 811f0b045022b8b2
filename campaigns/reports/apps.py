from django.apps import AppConfig


class CampaignReportsConfig(AppConfig):
    name = "campaigns.reports"
    label = "campaign_reports"
    verbose_name = "Campaign reports"
