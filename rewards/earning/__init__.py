"""Earning rules: how many points an event is worth (a pure evaluation function)."""
