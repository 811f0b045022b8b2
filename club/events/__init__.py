"""Club events, RSVP, waitlists and check-in (the social tier; issue 6)."""
