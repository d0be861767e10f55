"""When a DC-3 is due: 20 business days after the course ends (LFT art. 153-V;
STPS criteria), weekends and Mexican statutory holidays (LFT art. 74, from the
``holidays`` package) excluded. Pure: no database."""

from __future__ import annotations

from datetime import date, timedelta

import holidays

DC3_BUSINESS_DAYS = 20


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays.Mexico(years=day.year)


def add_business_days(start: date, days: int) -> date:
    """The ``days``-th business day after ``start`` (``start`` itself not
    counted)."""
    day, left = start, days
    while left > 0:
        day += timedelta(days=1)
        if is_business_day(day):
            left -= 1
    return day


def dc3_due_on(course_ended_on: date) -> date:
    return add_business_days(course_ended_on, DC3_BUSINESS_DAYS)


def business_days_between(start: date, end: date) -> int:
    """Business days after ``start`` up to and including ``end`` (0 when end is
    not after start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_business_day(day):
            count += 1
    return count
