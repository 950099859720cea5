"""A short per-process cache for what mail reads on every message and rarely changes: the
organisation's name and language, Aduan's own addresses, the mail templates. Cleared on every
change made in this process; at most ``TTL_SECONDS`` stale in the others."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar, cast

T = TypeVar("T")
TTL_SECONDS = 30.0
_entries: dict[str, tuple[float, object]] = {}


def cached(key: str, load: Callable[[], T]) -> T:
    now = time.monotonic()
    hit = _entries.get(key)
    if hit is not None and now - hit[0] < TTL_SECONDS:
        return cast(T, hit[1])
    value = load()
    _entries[key] = (now, value)
    return value


def clear() -> None:
    _entries.clear()
