"""Celery tasks of the bundles app: thin adapters that call one service."""

from config.celery import app

from .services import bundle_addon_stats_refresh


@app.task(name="bundles.addon_stats_refresh_nightly", acks_late=True)
def bundle_addon_stats_refresh_nightly() -> int:
    """Beat entry: count the members' add-ons for the add-on recommender (one grouped query)."""
    return bundle_addon_stats_refresh().customers
