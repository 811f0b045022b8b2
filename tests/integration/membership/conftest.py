from tests.membership_stripe import fake_stripe, gateway, stripe_settings  # noqa: F401 (fixtures)
