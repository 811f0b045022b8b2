"""Partner brands, co-promotions, code pools, settlement; partner portal and API (issue 8)."""
