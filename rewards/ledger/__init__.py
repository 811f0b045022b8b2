"""The points ledger: append-only entries, lots with clearing and expiry, balances (docs/ledger.md)."""
