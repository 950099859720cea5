"""The registered per-process caches (aduan.core.cache)."""

from __future__ import annotations

import itertools

import pytest

from aduan.core import cache


def _counter() -> itertools.count[int]:
    return itertools.count(1)


def test_a_value_is_loaded_once_within_its_ttl() -> None:
    loads = _counter()
    kept = cache.TtlCache("test.kept", ttl=60)
    try:
        assert kept.get("k", lambda: next(loads)) == 1
        assert kept.get("k", lambda: next(loads)) == 1
        assert kept.get("other", lambda: next(loads)) == 2
    finally:
        cache._registry.pop("test.kept")


def test_an_expired_value_is_loaded_again() -> None:
    loads = _counter()
    expired = cache.TtlCache("test.expired", ttl=0)
    try:
        assert expired.get("k", lambda: next(loads)) == 1
        assert expired.get("k", lambda: next(loads)) == 2
    finally:
        cache._registry.pop("test.expired")


def test_clear_all_empties_every_registered_cache() -> None:
    loads = _counter()
    first, second = cache.TtlCache("test.first"), cache.TtlCache("test.second")
    try:
        first.get("k", lambda: next(loads))
        second.put("k", 0)
        cache.clear_all()
        assert first.get("k", lambda: next(loads)) == 2
        assert second.get("k", lambda: next(loads)) == 3
    finally:
        cache._registry.pop("test.first")
        cache._registry.pop("test.second")


def test_a_name_is_registered_once() -> None:
    cache.TtlCache("test.once")
    try:
        with pytest.raises(ValueError, match="already registered"):
            cache.TtlCache("test.once")
    finally:
        cache._registry.pop("test.once")


def test_the_configuration_caches_are_registered() -> None:
    # The tests' autouse fixture clears them all between tests through clear_all().
    import aduan.care.matching
    import aduan.care.services.common
    import aduan.channels.cache
    import aduan.organisation.selectors
    import aduan.sla.rules  # noqa: F401

    assert {
        "organisation",
        "sla.rules",
        "care.settings",
        "care.phrases",
        "channels",
    } <= set(cache._registry)
