"""API key tokens: made once, shown once, stored only as their SHA-256."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "ag_"
SHOWN_CHARS = 10
"""How much of a token the key page shows, so a person can tell their keys apart."""


def token_new() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    # a plain hash is enough: the token is 256 random bits, nothing to guess or look up
    return hashlib.sha256(token.encode()).hexdigest()
