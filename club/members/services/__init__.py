"""Writes about members: every mutation is a ``<entity>_<verb>(*, ...)`` function here."""
