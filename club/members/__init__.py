"""Members: the operator's subscribers, their consents and preferences, line linking, subscriber import."""
