"""The world map of WNF grants: per country, the yen disbursed (the ledger's sums kept by
the society's country and the fiscal year booked) and the persons trained (from accepted
final reports, kept by country and fiscal year), in a fiscal year (April to March) or in
all of them. Loans are apart: they are not on this map.

Both figures are read once from rows kept in the transactions that change them
(workflow.money.kept_figures), so that any fiscal year (and the list of years) comes from
two small queries, however long the ledger grows."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pycountry
from sqlalchemy import select

from models import GrantCountryBookedTotal, TrainedTotal, db
from workflow.engine.kept import kept_for_figures
from workflow.people.accounts import country_names


@dataclass(frozen=True)
class GrantCountry:
    country: str  # ISO 3166 alpha-2
    numeric: str  # ISO 3166 numeric: how world-atlas names its countries
    name: str
    disbursed_yen: int
    trained: int


@functools.lru_cache(maxsize=4096)  # ISO 3166 is constant for the process
def _numeric(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return country.numeric if country else ""


def _disbursed() -> dict[tuple[str, int], int]:
    """(society's country, fiscal year booked) → yen disbursed to grants, from the rows
    kept rolled up (models.GrantCountryBookedTotal)."""
    return {(code, year): int(total) for code, year, total in db.session.execute(
        select(GrantCountryBookedTotal.country_code, GrantCountryBookedTotal.booked_year,
               GrantCountryBookedTotal.disbursed_yen)
        .where(GrantCountryBookedTotal.disbursements > 0))}


def _trained() -> dict[tuple[str, int], int]:
    """(participants' country, fiscal year their report was accepted) → persons."""
    return {(code, year): int(persons) for code, year, persons in db.session.execute(
        select(TrainedTotal.country_code, TrainedTotal.fiscal_year, TrainedTotal.persons))}


@dataclass(frozen=True)
class GrantFigures:
    disbursed: dict[tuple[str, int], int]  # (country, fiscal year) → yen
    trained: dict[tuple[str, int], int]  # (country, fiscal year) → persons

    @classmethod
    def read(cls) -> GrantFigures:
        """Kept by the worker as workflow.money.portfolio keeps its figures, until the
        kept rows of the ledger's money or of the persons trained move: shared, not to be
        changed."""
        return kept_for_figures("grant map", ("grant_country_booked_totals", "trained_totals"),
                                None,
                                lambda: cls(_disbursed(), _trained()))

    def fiscal_years(self) -> list[int]:
        """The fiscal years with a disbursement or an accepted report, the latest first."""
        return sorted({year for _, year in (*self.disbursed, *self.trained)}, reverse=True)

    @staticmethod
    def _by_country(totals: dict, year: int | None) -> dict[str, int]:
        found: dict[str, int] = {}
        for (code, fiscal_year), total in totals.items():
            if year is None or fiscal_year == year:
                found[code] = found.get(code, 0) + total
        return found

    def countries(self, year: int | None = None) -> list[GrantCountry]:
        """The map's countries in the fiscal year (None: all years), the most money first."""
        money = self._by_country(self.disbursed, year)
        trained = self._by_country(self.trained, year)
        name = country_names()
        rows = [GrantCountry(code, _numeric(code), name(code), money.get(code, 0),
                             trained.get(code, 0)) for code in set(money) | set(trained)]
        return sorted(rows, key=lambda r: (-r.disbursed_yen, -r.trained, r.name))

    def persons_trained(self) -> list[tuple[str, str, int]]:
        """(country, name, persons) over all years, the most first."""
        totals = self._by_country(self.trained, None)
        name = country_names()
        return sorted(((code, name(code), n) for code, n in totals.items()),
                      key=lambda r: (-r[2], r[1]))
