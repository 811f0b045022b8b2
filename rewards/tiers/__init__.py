"""Tiers: ordered status levels on rolling spend and tenure, with history and grace periods."""
