"""Writes for API keys."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from animagenius.accounts.models import User
from animagenius.api.models import ApiKey
from animagenius.api.tokens import SHOWN_CHARS, token_hash, token_new
from animagenius.core import ratelimit


@dataclass(frozen=True)
class NewApiKey:
    key: ApiKey
    token: str  # the only time the token exists outside the caller's hands


def api_key_create_limit(*, owner: User) -> None:
    """Count a new API key of `owner`'s; past API_KEY_CREATE_RATE_LIMIT, RateLimited saying when the next one
    can be made (each key shares its account's API limit, so a flood of keys buys nothing but clutter)."""
    rate = ratelimit.Rate.parse(settings.API_KEY_CREATE_RATE_LIMIT)
    keys = "API key" if rate.amount == 1 else "API keys"
    message = f"An account may make {rate.amount} new {keys} per {rate.period}; try again {{retry}}."
    ratelimit.consume_or_raise(f"api-key-create:user:{owner.pk}", rate, message)


def api_key_create(*, owner: User, name: str) -> NewApiKey:
    token = token_new()
    key = ApiKey.objects.create(
        owner=owner, name=name.strip(), prefix=token[:SHOWN_CHARS], hashed=token_hash(token)
    )
    return NewApiKey(key=key, token=token)


def api_key_revoke(*, key: ApiKey) -> ApiKey:
    """Revoke `key` from now on; revoking it again keeps the first time."""
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at", "updated_at"])
    return key
