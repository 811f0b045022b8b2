"""The financial tier: billing events, points ledger, earning rules, tiers, discounts, rewards (issue 3)."""
