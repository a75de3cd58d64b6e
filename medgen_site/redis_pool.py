"""One Redis connection pool per process for Django's cache (sessions live there).

Django keeps a cache object per thread and per async context. Under ASGI every request
runs in a context (and a thread) of its own, so `django.core.cache.backends.redis`
built a fresh `ConnectionPool` for every request: a new TCP connection and Redis
handshake each time: 1.5 ms of CPU or more per request that reads the session.
Handing it this pool class makes every cache object of the process share one pool
(redis-py pools are thread-safe, and reset their connections in a forked child).
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar

import redis


class SharedConnectionPool(redis.ConnectionPool):
    # Not `_pools`/`_lock`: ConnectionPool has a `_lock` of its own, per instance.
    _shared: ClassVar[dict[str, SharedConnectionPool]] = {}
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()

    @classmethod
    def from_url(cls, url: str, **options: Any) -> SharedConnectionPool:
        """The process's pool for this URL and these options, made on first use."""
        key = repr((url, sorted(options.items())))
        with cls._shared_lock:
            if key not in cls._shared:
                cls._shared[key] = super().from_url(url, **options)
            return cls._shared[key]
