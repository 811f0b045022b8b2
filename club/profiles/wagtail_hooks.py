"""club.profiles' Wagtail hooks: the admin modules register their hooks when imported."""

from . import admin  # noqa: F401
