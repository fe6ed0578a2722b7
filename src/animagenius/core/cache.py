"""Redis as Django's cache, behaving as an empty cache while Redis cannot be reached.

What keeps data in this cache are rate limits (the API's, sign-in attempts): losing them for the length
of a Redis outage lets a few more requests through, where failing would take the whole site down with
Redis. Each failure is logged, at most once a minute.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
T = TypeVar("T")
LOG_EVERY_S = 60.0
_last_logged = 0.0


def _or(fallback: T, call: Callable[[], T]) -> T:
    global _last_logged
    try:
        return call()
    except (RedisConnectionError, RedisTimeoutError) as error:
        if time.monotonic() - _last_logged > LOG_EVERY_S:
            _last_logged = time.monotonic()
            logger.warning("Redis cache unreachable (%s): answering as an empty cache", error)
        return fallback


class FailOpenRedisCache(RedisCache):
    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return _or(default, lambda: super(FailOpenRedisCache, self).get(key, default, version))

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return _or({}, lambda: super(FailOpenRedisCache, self).get_many(keys, version))

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return _or(False, lambda: super(FailOpenRedisCache, self).has_key(key, version))

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return _or(True, lambda: super(FailOpenRedisCache, self).add(key, value, timeout, version))

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        _or(None, lambda: super(FailOpenRedisCache, self).set(key, value, timeout, version))

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list[Any]:
        return _or([], lambda: super(FailOpenRedisCache, self).set_many(data, timeout, version))

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return _or(False, lambda: super(FailOpenRedisCache, self).touch(key, timeout, version))

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return _or(delta, lambda: super(FailOpenRedisCache, self).incr(key, delta, version))

    def delete(self, key: Any, version: int | None = None) -> bool:
        return _or(False, lambda: super(FailOpenRedisCache, self).delete(key, version))

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        _or(None, lambda: super(FailOpenRedisCache, self).delete_many(keys, version))

    def clear(self) -> None:
        _or(None, lambda: super(FailOpenRedisCache, self).clear())
