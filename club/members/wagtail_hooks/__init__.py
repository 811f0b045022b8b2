"""Admin for members: Wagtail loads this package; each module registers its own screens."""

from . import import_admin, member_admin  # noqa: F401
