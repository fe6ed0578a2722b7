"""Subscriptions and usage."""
