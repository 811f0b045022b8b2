"""Monthly spend and usage per member, the "volume" that tiers, discounts and profiles read."""
