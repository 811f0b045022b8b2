"""Settlement: monthly statements per partner from redemptions and the agreed terms (docs/partners.md)."""
