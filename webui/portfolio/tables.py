"""The portfolio's long tables as the words they show, written in Python: the money by
country and fiscal year is a row per kind, country and year, hundreds of rows, and a
template's filter and macro calls per cell would cost more than the rest of the page."""

from __future__ import annotations

from dataclasses import dataclass

from workflow.money.portfolio import CountryYear

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
