"""Stripe (paid club membership). Keys come only from the environment."""

from .env import env

STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
# Webhooks older than this (seconds, by the signature's timestamp) are refused: a replay.
STRIPE_WEBHOOK_TOLERANCE = env.int("STRIPE_WEBHOOK_TOLERANCE", default=300)
# A web process queues the inbox's drain at most this often (seconds); an event waits at most
# this long before its drain is asked for (docs/membership.md).
STRIPE_INBOX_WAKE_SECONDS = env.float("STRIPE_INBOX_WAKE_SECONDS", default=0.05)
# Without a secret key the club uses the recording fake gateway: the portal shows a "test mode"
# checkout that never takes money (club/membership/gateway.py, docs/membership.md).
