"""Club membership earned by volume or paid through Stripe (the social tier; issue 6)."""
