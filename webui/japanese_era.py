"""Dates in the Japanese era (和暦): 令和8年12月6日, the first year of an era written 元年.

Babel's calendars are Gregorian only, so the era is computed here from the days each era
began (the day after the previous emperor's reign ended, or the accession day itself).
"""

from __future__ import annotations

from datetime import date

# (first day, name), newest first.
ERAS = (
    (date(2019, 5, 1), "令和"),
    (date(1989, 1, 8), "平成"),
    (date(1926, 12, 25), "昭和"),
    (date(1912, 7, 30), "大正"),
    (date(1873, 1, 1), "明治"),  # the Gregorian calendar's first day in Japan
)


def era_year(day: date) -> str:
    """The era and its year on this day: 令和8年, 令和元年."""
    for start, name in ERAS:
        if day >= start:
            number = day.year - start.year + 1
            return f"{name}{'元' if number == 1 else number}年"
    return f"{day.year}年"  # before the Gregorian calendar: the Western year


def era_date(day: date) -> str:
    return f"{era_year(day)}{day.month}月{day.day}日"


def era_fiscal_year(year: int) -> str:
    """A fiscal year (April to March) in the era: FY2026 → 令和8年度. A year in which the
    era changed is named in the new era (FY2019 → 令和元年度, as the government did), unless
    the new era began only in its last months (FY1988 → 昭和63年度)."""
    for start, name in ERAS:
        if date(year + 1, 3, 31) >= start:
            number = year - start.year + 1
            if number >= 1:
                return f"{name}{'元' if number == 1 else number}年度"
    return f"{year}年度"
