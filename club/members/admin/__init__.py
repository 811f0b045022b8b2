"""Wagtail admin screens for members: views, form and paginator that
``wagtail_hooks.member_admin`` assembles into viewsets. Adapters only: reads go through
``club.members.selectors``."""
