"""Counting time on a clock: calendar hours (24/7) or business hours.

Business hours are the working periods of each weekday in the calendar's time zone, minus
Indonesian public holidays (the ``holidays`` package; optionally the government's collective
leave days, *cuti bersama*) and the organisation's own closed days.

Both clocks answer two questions: ``add(start, seconds)``, the moment when ``seconds`` of
counted time have passed since ``start``, and ``between(start, end)``, how much counted time
lies between two moments. Everything here is pure: no database access (see ``config.py`` for
loading a calendar).
"""

from __future__ import annotations

import datetime
import functools
import importlib.util
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

UTC = datetime.UTC
# A target of a year counted in 8-hour days needs about 1,100 working days; a calendar with no
# working time at all must fail rather than loop for ever.
MAX_DAYS = 3660
Period = tuple[datetime.time, datetime.time]


class NoWorkingTime(ValueError):
    """The calendar has no working time in the next ten years."""


class Clock(Protocol):
    def add(self, start: datetime.datetime, seconds: float) -> datetime.datetime: ...

    def between(self, start: datetime.datetime, end: datetime.datetime) -> float: ...


class CalendarClock:
    """24 hours a day, 7 days a week."""

    def add(self, start: datetime.datetime, seconds: float) -> datetime.datetime:
        return start + datetime.timedelta(seconds=seconds)

    def between(self, start: datetime.datetime, end: datetime.datetime) -> float:
        return max(0.0, (end - start).total_seconds())


@functools.lru_cache(maxsize=64)
def indonesian_holidays(year: int, collective_leave: bool) -> frozenset[datetime.date]:
    """Indonesia's public holidays of ``year`` and, if asked, its collective leave days."""
    categories = ("public", "government") if collective_leave else ("public",)
    days = _indonesia()(years=year, categories=categories)
    return frozenset(days.keys())


@functools.cache
def _indonesia() -> Any:
    """The ``holidays`` package's Indonesia, loaded on first use and on its own: the package
    imports all of its 150 countries first (0.15 s of CPU, the larger part of opening a ticket
    from a piped mail: docs/performance.md). Falls back to the package's own lookup."""
    import holidays

    name = "holidays.countries.indonesia"
    if name in sys.modules:
        return sys.modules[name].Indonesia
    try:
        path = Path(holidays.__file__).with_name("countries") / "indonesia.py"
        spec = importlib.util.spec_from_file_location("aduan.sla._holidays_id", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.Indonesia
    except Exception:
        return holidays.country_holidays("ID").__class__


@dataclass(frozen=True)
class BusinessClock:
    """Working periods per weekday (index 0 is Monday), in ``tz``."""

    tz: ZoneInfo
    periods: tuple[tuple[Period, ...], ...]
    closed_days: frozenset[datetime.date] = frozenset()
    national_holidays: bool = True
    collective_leave: bool = False

    def __post_init__(self) -> None:
        if len(self.periods) != 7:
            raise ValueError("periods needs one entry per weekday")

    def is_working_day(self, day: datetime.date) -> bool:
        if not self.periods[day.weekday()] or day in self.closed_days:
            return False
        return not (
            self.national_holidays and day in indonesian_holidays(day.year, self.collective_leave)
        )

    def _periods_on(self, day: datetime.date) -> Iterable[tuple[datetime.datetime, ...]]:
        if not self.is_working_day(day):
            return ()
        return [
            (
                datetime.datetime.combine(day, start, tzinfo=self.tz),
                datetime.datetime.combine(day, end, tzinfo=self.tz),
            )
            for start, end in self.periods[day.weekday()]
        ]

    def add(self, start: datetime.datetime, seconds: float) -> datetime.datetime:
        """The moment ``seconds`` of working time after ``start``. Starting outside working
        hours, the count begins at the next opening. A target that runs out exactly at
        closing time is due at closing time, not at the next opening."""
        if seconds <= 0:
            return start
        local = start.astimezone(self.tz)
        day = local.date()
        remaining = float(seconds)
        for _ in range(MAX_DAYS):
            for opens, closes in self._periods_on(day):
                if local >= closes:
                    continue
                begin = max(local, opens)
                available = (closes - begin).total_seconds()
                if remaining <= available:
                    return (begin + datetime.timedelta(seconds=remaining)).astimezone(UTC)
                remaining -= available
            day += datetime.timedelta(days=1)
        raise NoWorkingTime("the business calendar has no working time")

    def between(self, start: datetime.datetime, end: datetime.datetime) -> float:
        """Working seconds from ``start`` to ``end`` (0 if ``end`` is not later)."""
        if end <= start:
            return 0.0
        local_start = start.astimezone(self.tz)
        local_end = end.astimezone(self.tz)
        day = local_start.date()
        last = local_end.date()
        total = 0.0
        while day <= last:
            for opens, closes in self._periods_on(day):
                begin = max(opens, local_start)
                finish = min(closes, local_end)
                if finish > begin:
                    total += (finish - begin).total_seconds()
            day += datetime.timedelta(days=1)
        return total

    def next_opening(self, moment: datetime.datetime) -> datetime.datetime:
        """``moment`` itself during working hours, else the start of the next period."""
        local = moment.astimezone(self.tz)
        day = local.date()
        for _ in range(MAX_DAYS):
            for opens, closes in self._periods_on(day):
                if local < closes:
                    return max(local, opens).astimezone(UTC)
            day += datetime.timedelta(days=1)
        raise NoWorkingTime("the business calendar has no working time")


def office_hours(
    tz: str = "Asia/Jakarta",
    *,
    start: datetime.time = datetime.time(8, 0),
    end: datetime.time = datetime.time(16, 0),
    days: int = 5,
    closed_days: Iterable[datetime.date] = (),
    national_holidays: bool = True,
    collective_leave: bool = False,
) -> BusinessClock:
    """The usual office: the first ``days`` weekdays from ``start`` to ``end``."""
    periods = tuple(((start, end),) if weekday < days else () for weekday in range(7))
    return BusinessClock(
        tz=ZoneInfo(tz),
        periods=periods,
        closed_days=frozenset(closed_days),
        national_holidays=national_holidays,
        collective_leave=collective_leave,
    )
