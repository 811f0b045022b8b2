"""Options of the condition fields that come from the database or the settings.

Each is a module-level callable, referenced (not copied) by the migrations, and read again
each time the form is shown: a new tier, interest or region is offered without a migration.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from club.members.models import Interest, Member
from rewards.tiers.models import Tier

REGIONS_CACHE_KEY = "audiences:regions"
REGIONS_CACHE_SECONDS = 600  # one distinct scan of the member table per 10 minutes at most


def tier_choices() -> list[tuple[str, str]]:
    """Every tier by rank; a tier that is not published is marked (members may still be in it)."""
    return [
        (str(pk), name if live else _("%(name)s (not published)") % {"name": name})
        for pk, name, live in Tier.objects.order_by("rank").values_list("pk", "name", "live")
    ]


def interest_choices() -> list[tuple[str, str]]:
    return [(str(pk), name) for pk, name in Interest.objects.order_by("name").values_list("pk", "name")]


def region_choices() -> list[tuple[str, str]]:
    """The regions members live in, as the billing system spells them (cached: on a large
    member file the distinct scan is not free, and the form is shown on every preview)."""
    regions = cache.get(REGIONS_CACHE_KEY)
    if regions is None:
        regions = sorted(
            Member.objects.exclude(region="").order_by().values_list("region", flat=True).distinct()
        )
        cache.set(REGIONS_CACHE_KEY, regions, REGIONS_CACHE_SECONDS)
    return [(region, region) for region in regions]


def language_choices() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]
