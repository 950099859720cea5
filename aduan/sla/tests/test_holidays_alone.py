"""Indonesia's holidays are read from the ``holidays`` package's Indonesia module loaded on its
own (aduan.sla.calendar._indonesia): the same days as the package's own lookup, which loads
every country first."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import holidays
import pytest

from aduan.sla import calendar


@pytest.fixture
def loaded_alone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # As in a fresh process: nothing has imported the package's countries yet.
    monkeypatch.delitem(sys.modules, "holidays.countries.indonesia", raising=False)
    calendar._indonesia.cache_clear()
    calendar.indonesian_holidays.cache_clear()
    yield
    calendar._indonesia.cache_clear()
    calendar.indonesian_holidays.cache_clear()


def test_indonesia_loaded_alone_has_the_same_holidays_as_the_package_lookup(loaded_alone):
    assert calendar._indonesia().__module__ == "aduan.sla._holidays_id"
    for year in (2020, 2024, 2025, 2026, 2027, 2030):
        for collective_leave in (False, True):
            categories = ("public", "government") if collective_leave else ("public",)
            expected = holidays.country_holidays("ID", years=year, categories=categories)
            assert calendar.indonesian_holidays(year, collective_leave) == frozenset(expected)
