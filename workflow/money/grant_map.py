"""The world map of WNF grants: per country, the yen disbursed (summed from the ledger) and
the persons trained (from accepted final reports), in a fiscal year (April to March) or
in all of them. Loans are apart: they are not on this map.

Each figure is read once, grouped by country and month, so that any fiscal year (and the
list of years) comes from the same two queries."""

from __future__ import annotations

from dataclasses import dataclass

import pycountry
from sqlalchemy import extract, func, select

from models import Application, FinalReport, LedgerEntry, Organisation, ReportParticipant, db
from workflow.people.accounts import country_name


@dataclass(frozen=True)
class GrantCountry:
    country: str  # ISO 3166 alpha-2
    numeric: str  # ISO 3166 numeric: how world-atlas names its countries
    name: str
    disbursed_yen: int
    trained: int


def _numeric(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return country.numeric if country else ""


def _per_fiscal_year(rows) -> dict[tuple[str, int], int]:
    """(country, year, month, total) rows → (country, fiscal year) → total; April opens
    the fiscal year named by its calendar year."""
    totals: dict[tuple[str, int], int] = {}
    for code, year, month, total in rows:
        key = (code, int(year) if int(month) >= 4 else int(year) - 1)
        totals[key] = totals.get(key, 0) + int(total)
    return totals


def _disbursed_rows():
    """Yen disbursed to grants, by the society's country and the month it was booked."""
    year, month = extract("year", LedgerEntry.booked_on), extract("month", LedgerEntry.booked_on)
    return db.session.execute(
        select(Organisation.country_code, year, month, func.sum(LedgerEntry.amount_yen))
        .join(Application, Application.id == LedgerEntry.application_id)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .where(LedgerEntry.kind == "disbursement", Application.kind == "grant")
        .group_by(Organisation.country_code, year, month)).all()


def _trained_rows():
    """Participants by their country and the month their final report was accepted."""
    year = extract("year", FinalReport.accepted_at)
    month = extract("month", FinalReport.accepted_at)
    return db.session.execute(
        select(ReportParticipant.country_code, year, month,
               func.sum(ReportParticipant.participants))
        .join(FinalReport, FinalReport.application_id == ReportParticipant.report_id)
        .where(FinalReport.accepted_at.is_not(None))
        .group_by(ReportParticipant.country_code, year, month)).all()


@dataclass(frozen=True)
class GrantFigures:
    disbursed: dict[tuple[str, int], int]  # (country, fiscal year) → yen
    trained: dict[tuple[str, int], int]  # (country, fiscal year) → persons

    @classmethod
    def read(cls) -> GrantFigures:
        return cls(_per_fiscal_year(_disbursed_rows()), _per_fiscal_year(_trained_rows()))

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
        rows = [GrantCountry(code, _numeric(code), country_name(code), money.get(code, 0),
                             trained.get(code, 0)) for code in set(money) | set(trained)]
        return sorted(rows, key=lambda r: (-r.disbursed_yen, -r.trained, r.name))

    def persons_trained(self) -> list[tuple[str, str, int]]:
        """(country, name, persons) over all years, the most first."""
        totals = self._by_country(self.trained, None)
        return sorted(((code, country_name(code), n) for code, n in totals.items()),
                      key=lambda r: (-r[2], r[1]))
