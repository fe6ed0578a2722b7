"""People: the custom user (email login, role, subscription tier)."""
