"""The portfolio's long tables as the words they show, written in Python: the money by
country and fiscal year is a row per kind, country and year, hundreds of rows, and a
template's filter and macro calls per cell would cost more than the rest of the page."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from workflow.money.grant_map import GrantCountry
from workflow.money.portfolio import CountryCount, CountryYear

from ..labels import fiscal_year


@dataclass(frozen=True)
class MoneyRow:
    fiscal_year: str  # "FY2026" / "2026年度"
    country: str  # in the reader's language
    approved: str  # grouped whole yen: "1,234,567"
    disbursed: str


def grouped(amount: int | None) -> str:
    """Whole yen grouped by thousands, as the page's tables write them (no sign, no 円)."""
    return f"{amount or 0:,}"


def money_rows(money: list[CountryYear], kind: str) -> list[MoneyRow]:
    """The rows of one kind (grant or loan); each fiscal year's label written once."""
    years: dict[int, str] = {}
    rows = []
    for row in money:
        if row.kind != kind:
            continue
        year = years.get(row.fiscal_year)
        if year is None:
            year = years[row.fiscal_year] = fiscal_year(row.fiscal_year)
        rows.append(MoneyRow(year, row.country_name, grouped(row.approved_yen),
                             grouped(row.disbursed_yen)))
    return rows


@dataclass(frozen=True)
class GrantCountryRow:
    """A row of the grants' countries (the map's table)."""

    country: str
    name: str
    disbursed: str  # grouped whole yen
    trained: str


def grant_country_rows(countries: list[GrantCountry]) -> list[GrantCountryRow]:
    return [GrantCountryRow(c.country, c.name, grouped(c.disbursed_yen), grouped(c.trained))
            for c in countries]


def trained_rows(trained: list[tuple[str, str, int]]) -> list[tuple[str, str]]:
    """(country's name, persons grouped) of the persons trained by country."""
    return [(name, grouped(n)) for _code, name, n in trained]


@dataclass(frozen=True)
class CountryRow:
    """A row of "By country": the grants link to the list of the country's grants."""

    country: str
    name: str
    grants: int
    loans: int
    grants_href: str | None


def country_rows(countries: list[CountryCount], list_url: str) -> list[CountryRow]:
    """`list_url`: the applications' list (url_for once, not once a row: a hundred
    countries' links built by the router cost more than the rest of the table)."""
    return [CountryRow(c.country, c.country_name, c.grants, c.loans,
                       f"{list_url}?{urlencode({'country': c.country, 'fund': 'WNF'})}"
                       if c.grants else None) for c in countries]
