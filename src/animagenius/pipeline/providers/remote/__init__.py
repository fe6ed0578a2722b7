"""Providers reached over the network. Each is off unless configured with a key."""
