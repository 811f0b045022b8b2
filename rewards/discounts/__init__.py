"""Volume and tenure discount schedules and the discount quote."""
