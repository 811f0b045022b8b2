"""Frequency marketing: audiences, campaigns, offers, caps, fan-out, deliveries (issue 4)."""
