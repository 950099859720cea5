"""Short per-process caches for configuration that nearly every request reads and that
rarely changes: the organisation's tables, the service levels, the care settings and phrase
list, mail's addresses and templates.

Every cache is a ``TtlCache`` registered by name. The app that owns the data clears its own
cache when a row is saved in this process (signals, services); other processes see the
change within ``TTL_SECONDS``. ``clear_all()`` empties every registered cache at once (the
tests do it between tests, as each test's rows are rolled back).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import TypeVar, cast

T = TypeVar("T")
TTL_SECONDS = 30.0


class TtlCache:
    """Values by key, each kept for ``ttl`` seconds after it was loaded."""

    def __init__(self, name: str, ttl: float = TTL_SECONDS) -> None:
        if name in _registry:
            raise ValueError(f"A cache named {name!r} is already registered.")
        self.name = name
        self.ttl = ttl
        self._entries: dict[Hashable, tuple[float, object]] = {}
        _registry[name] = self

    def get(self, key: Hashable, load: Callable[[], T]) -> T:
        """The value for ``key``, from ``load()`` when absent or older than the TTL."""
        now = time.monotonic()
        hit = self._entries.get(key)
        if hit is not None and now - hit[0] < self.ttl:
            return cast(T, hit[1])
        value = load()
        self._entries[key] = (now, value)
        return value

    def put(self, key: Hashable, value: object) -> None:
        self._entries[key] = (time.monotonic(), value)

    def clear(self) -> None:
        self._entries.clear()


_registry: dict[str, TtlCache] = {}


def clear_all() -> None:
    """Empty every registered cache."""
    for registered in _registry.values():
        registered.clear()
