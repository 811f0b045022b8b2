"""Portal accounts: the custom User model (a login, not a subscriber)."""
