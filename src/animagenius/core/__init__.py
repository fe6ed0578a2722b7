"""Pieces every Django app shares."""
