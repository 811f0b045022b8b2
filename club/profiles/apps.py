from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "club.profiles"
    label = "profiles"
    verbose_name = "Profiles and segments"
