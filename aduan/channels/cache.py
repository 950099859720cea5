"""Mail's short per-process cache for what it reads on every message and rarely changes:
the organisation's name and language, Aduan's own addresses, the mail templates. Cleared on
every change made in this process; at most ``aduan.core.cache.TTL_SECONDS`` stale in the
others."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from aduan.core.cache import TtlCache

T = TypeVar("T")
_cache = TtlCache("channels")


def cached(key: str, load: Callable[[], T]) -> T:
    return _cache.get(key, load)


def clear() -> None:
    _cache.clear()
