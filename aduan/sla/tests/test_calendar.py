"""Business-hour arithmetic: working hours, weekends, Indonesian public holidays, collective
leave, the organisation's own closed days, lunch breaks and time zones. Pure: no database."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from aduan.sla.calendar import (
    BusinessClock,
    CalendarClock,
    NoWorkingTime,
    indonesian_holidays,
    office_hours,
)

WIB = ZoneInfo("Asia/Jakarta")
HOUR = 3600


def at(day: str, time: str = "08:00", tz: ZoneInfo = WIB) -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=tz)


OFFICE = office_hours()  # Monday-Friday 08:00-16:00 WIB, public holidays closed


def test_hours_within_one_working_day():
    # Tuesday 3 March 2026, 09:00 + 4 h = 13:00.
    assert OFFICE.add(at("2026-03-03", "09:00"), 4 * HOUR) == at("2026-03-03", "13:00")


def test_a_target_that_runs_out_at_closing_time_is_due_at_closing_time():
    assert OFFICE.add(at("2026-03-03", "08:00"), 8 * HOUR) == at("2026-03-03", "16:00")


def test_the_rest_carries_over_to_the_next_morning():
    # 15:00 + 3 h: one hour today, two tomorrow from 08:00.
    assert OFFICE.add(at("2026-03-03", "15:00"), 3 * HOUR) == at("2026-03-04", "10:00")


def test_friday_afternoon_carries_over_the_weekend_to_monday():
    # Friday 6 March 2026 14:00 + 4 h: 2 h on Friday, 2 h on Monday 9 March.
    assert OFFICE.add(at("2026-03-06", "14:00"), 4 * HOUR) == at("2026-03-09", "10:00")


def test_a_complaint_on_saturday_starts_counting_on_monday_morning():
    assert OFFICE.add(at("2026-03-07", "11:00"), 1 * HOUR) == at("2026-03-09", "09:00")


def test_a_complaint_in_the_evening_starts_counting_the_next_morning():
    assert OFFICE.add(at("2026-03-03", "20:30"), 30 * 60) == at("2026-03-04", "08:30")


def test_indonesian_public_holidays_are_skipped():
    # 17 August 2026 (Independence Day) is a Monday: Friday 14 Aug 15:00 + 2 h -> Tuesday.
    assert datetime.date(2026, 8, 17) in indonesian_holidays(2026, False)
    assert OFFICE.add(at("2026-08-14", "15:00"), 2 * HOUR) == at("2026-08-18", "09:00")


def test_eid_al_fitr_and_collective_leave():
    # Idul Fitri 2026: 20-24 March are holidays or cuti bersama (Friday 20 to Tuesday 24).
    with_leave = office_hours(collective_leave=True)
    without_leave = office_hours(collective_leave=False)
    start = at("2026-03-19", "15:00")  # Thursday, Nyepi (Day of Silence) is a holiday too
    assert OFFICE.add(at("2026-03-18", "15:00"), 2 * HOUR) == at("2026-03-20", "09:00")
    # Public holidays only: Thursday 19 (Nyepi) closed, Friday 20 open (cuti bersama).
    assert without_leave.add(start, 1 * HOUR) == at("2026-03-20", "09:00")
    # With collective leave: 20, 23 and 24 March closed too; next working day Wednesday 25.
    assert with_leave.add(start, 1 * HOUR) == at("2026-03-25", "09:00")


def test_the_organisations_own_closed_days_are_skipped():
    anniversary = datetime.date(2026, 3, 4)
    clock = office_hours(closed_days=[anniversary])
    assert clock.add(at("2026-03-03", "15:00"), 2 * HOUR) == at("2026-03-05", "09:00")


def test_several_working_periods_a_day_skip_the_lunch_break():
    morning_and_afternoon = (
        (datetime.time(8), datetime.time(12)),
        (datetime.time(13), datetime.time(16)),
    )
    clock = BusinessClock(
        tz=WIB, periods=tuple(morning_and_afternoon if d < 5 else () for d in range(7))
    )
    assert clock.add(at("2026-03-03", "11:00"), 2 * HOUR) == at("2026-03-03", "14:00")
    assert clock.between(at("2026-03-03", "08:00"), at("2026-03-03", "16:00")) == 7 * HOUR


def test_saturday_morning_can_be_a_working_period():
    periods = tuple(
        ((datetime.time(8), datetime.time(16)),)
        if d < 5
        else (((datetime.time(8), datetime.time(12)),) if d == 5 else ())
        for d in range(7)
    )
    clock = BusinessClock(tz=WIB, periods=periods, national_holidays=False)
    assert clock.add(at("2026-03-06", "15:00"), 3 * HOUR) == at("2026-03-07", "10:00")


def test_between_counts_only_working_time_across_a_weekend():
    # Friday 14:00 to Monday 10:00: 2 h + 2 h.
    assert OFFICE.between(at("2026-03-06", "14:00"), at("2026-03-09", "10:00")) == 4 * HOUR
    assert OFFICE.between(at("2026-03-09", "10:00"), at("2026-03-06", "14:00")) == 0


def test_add_and_between_agree():
    start = at("2026-08-13", "10:17")
    for seconds in (60, 5 * HOUR, 8 * HOUR, 37 * HOUR, 200 * HOUR):
        end = OFFICE.add(start, seconds)
        assert OFFICE.between(start, end) == pytest.approx(seconds)


def test_results_are_in_utc_and_inputs_in_any_zone():
    utc_start = datetime.datetime(2026, 3, 3, 2, 0, tzinfo=datetime.UTC)  # 09:00 WIB
    due = OFFICE.add(utc_start, HOUR)
    assert due.tzinfo == datetime.UTC
    assert due == at("2026-03-03", "10:00")


def test_a_calendar_in_another_zone_counts_its_own_hours():
    wita = office_hours("Asia/Makassar")  # UTC+8: opens at 00:00 UTC
    start = datetime.datetime(2026, 3, 3, 0, 30, tzinfo=datetime.UTC)
    assert wita.add(start, HOUR) == datetime.datetime(2026, 3, 3, 1, 30, tzinfo=datetime.UTC)
    # 00:30 UTC is 07:30 in Jakarta, before opening: Jakarta's clock starts at 08:00 WIB.
    assert OFFICE.add(start, HOUR) == at("2026-03-03", "09:00")


def test_next_opening():
    assert OFFICE.next_opening(at("2026-03-07", "10:00")) == at("2026-03-09", "08:00")
    assert OFFICE.next_opening(at("2026-03-09", "10:00")) == at("2026-03-09", "10:00")


def test_a_calendar_without_working_time_fails_instead_of_looping():
    closed = BusinessClock(tz=WIB, periods=((),) * 7)
    with pytest.raises(NoWorkingTime):
        closed.add(at("2026-03-03"), HOUR)


def test_zero_or_negative_targets_are_due_at_once():
    start = at("2026-03-07", "11:00")
    assert OFFICE.add(start, 0) == start


def test_calendar_hours_count_every_hour():
    clock = CalendarClock()
    start = at("2026-03-06", "14:00")
    assert clock.add(start, 48 * HOUR) == at("2026-03-08", "14:00")
    assert clock.between(start, at("2026-03-08", "14:00")) == 48 * HOUR


def test_a_year_long_target_completes():
    start = at("2026-01-05", "08:00")
    due = OFFICE.add(start, 2000 * HOUR)  # 250 working days
    assert datetime.date(2026, 12, 1) < due.date() < datetime.date(2027, 3, 1)
