"""Writes of contact: every mutation is a ``<entity>_<verb>(*, ...)`` function here."""

from .reserve import RunSlice, SliceOutcome, contacts_reserve

__all__ = ["RunSlice", "SliceOutcome", "contacts_reserve"]
