"""Account managers, contact log, surveys and complaints (the social tier; issue 6)."""
