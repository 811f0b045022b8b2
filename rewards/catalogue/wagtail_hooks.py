"""Catalogue admin: the action screens (stock, codes, cancel, ship, requeue). The list
viewsets are registered in the Rewards group by ``rewards/wagtail_hooks.py``."""

from __future__ import annotations

from wagtail import hooks

from .viewsets import catalogue_admin_urls


@hooks.register("register_admin_urls")
def register_catalogue_urls():
    return catalogue_admin_urls()
