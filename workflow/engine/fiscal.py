"""AOTS's fiscal year runs from 1 April to 31 March, named by the year it starts."""

from datetime import date


def fiscal_year(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(year: int) -> tuple[date, date]:
    return date(year, 4, 1), date(year + 1, 3, 31)
