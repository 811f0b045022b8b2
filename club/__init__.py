"""The member club. `members` and `accounts` are the bottom layer; the social apps sit above `rewards`."""
