"""Usage profiles, the six segments and churn risk (the structural tier; issue 7)."""
