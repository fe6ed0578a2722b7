"""Reads for API keys."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from animagenius.accounts.models import User
from animagenius.api.models import ApiKey
from animagenius.api.tokens import TOKEN_PREFIX, token_hash

LAST_USED_EVERY = timedelta(minutes=1)


def api_key_list(*, user: User) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(owner=user).order_by("-created_at")


def api_key_get(*, user: User, key_id: uuid.UUID) -> ApiKey:
    """The user's key; raises ApiKey.DoesNotExist for anyone else's."""
    return ApiKey.objects.get(id=key_id, owner=user)


def api_key_user(*, token: str) -> User | None:
    """The active owner of an unrevoked key, or None.

    Also stamps the key's `last_used_at`, at most once a minute so that a busy client does not write on
    every request; the one write a read makes, because a key page without it cannot show stale keys.
    """
    if not token.startswith(TOKEN_PREFIX):
        return None
    key = (
        ApiKey.objects.select_related("owner")
        .filter(hashed=token_hash(token), revoked_at__isnull=True, owner__is_active=True)
        .first()
    )
    if key is None:
        return None
    now = timezone.now()
    ApiKey.objects.filter(id=key.id).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_EVERY)
    ).update(last_used_at=now)
    return key.owner
