"""The portfolio at a glance: aggregate figures, each from one query. The figures by round,
by country and by fiscal year, and the loan book's money, read the rows kept in the
transactions that change them (models.CountryYearTotal and RoundApplicationTotal, rolled up
by workflow.engine.kept_sums; fund_totals, workflow.engine.state_totals,
workflow.grants.programme_totals), a few hundred rows however many files and
organisations there are.

Each worker keeps each figure under the revisions of the kept tables it reads
(workflow.engine.kept.kept_for_figures): a change to a file recomputes only the figures
whose rows it moved (a transition: the states and the loan book's counts)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import get_locale
from sqlalchemy import BigInteger, cast, func, select

from models import (
    CountryYearTotal,
    Fund,
    FundTotal,
    ProgrammeTypeTotal,
    Round,
    RoundApplicationTotal,
    StateTotal,
    db,
)
from workflow.engine.kept import kept_for_figures
from workflow.people.accounts import country_names


def _sum(column):
    """A kept column's sum as a whole number (PostgreSQL's sum of bigints is a numeric)."""
    return cast(func.sum(column), BigInteger)


def by_state() -> list[tuple[str, str, int]]:
    """(kind, state, applications), each kind's biggest state first."""
    return list(kept_for_figures("portfolio states", ("state_totals",), None, _by_state))


def _by_state() -> tuple[tuple[str, str, int], ...]:
    rows = db.session.execute(  # the counts kept per kind and state
        select(StateTotal.kind, StateTotal.state, StateTotal.applications)
        .where(StateTotal.applications > 0)).all()
    return tuple(sorted(((k, s, int(n)) for k, s, n in rows), key=lambda r: (r[0], -r[2])))


def by_round() -> list[tuple[str, int, int]]:
    """(round, applications, approved yen), from the counts kept per round
    (models.RoundApplicationTotal)."""
    return list(kept_for_figures("portfolio rounds", ("round_application_totals",), None,
                                 lambda: tuple(_by_round())))


def _by_round() -> list[tuple[str, int, int]]:
    return db.session.execute(
        select(Round.name, _sum(RoundApplicationTotal.applications),
               _sum(RoundApplicationTotal.approved_yen))
        .join(RoundApplicationTotal, RoundApplicationTotal.round_id == Round.id)
        .group_by(Round.name).having(func.sum(RoundApplicationTotal.applications) > 0)
        .order_by(Round.name)).all()


def by_programme_type() -> list[tuple[str, int]]:
    """(programme type, grants), the most first, from the counts kept per programme type
    (workflow.grants.programme_totals)."""
    return list(kept_for_figures("portfolio programmes", ("programme_type_totals",), None,
                                 lambda: tuple(
        (programme_type, int(n)) for programme_type, n in db.session.execute(
            select(ProgrammeTypeTotal.programme_type, ProgrammeTypeTotal.grants)
            .where(ProgrammeTypeTotal.grants > 0)
            .order_by(ProgrammeTypeTotal.grants.desc(), ProgrammeTypeTotal.programme_type)))))


def _by_country_and_year() -> tuple[list, list]:
    """The grants' and the loans' (country, fiscal year, applications, approved yen or None
    when none is approved), from the counts kept per kind, country and fiscal year
    (models.CountryYearTotal), both kinds in one reading."""
    found: dict[str, list] = {"grant": [], "loan": []}
    for kind, country, year, n, approved, yen in db.session.connection().execute(
            select(CountryYearTotal.kind, CountryYearTotal.country_code,
                   CountryYearTotal.fiscal_year, CountryYearTotal.applications,
                   CountryYearTotal.approved, CountryYearTotal.approved_yen)
            .where(CountryYearTotal.applications > 0)).all():
        if kind in found:
            found[kind].append((country, year, n, yen if approved else None))
    return found["grant"], found["loan"]


@dataclass(frozen=True)
class CountryCount:
    country: str
    country_name: str
    grants: int
    loans: int


@dataclass(frozen=True)
class Counted:
    """The per country and year figures of grants and of loans, each read once."""

    grants: list[tuple[str, int, int, int | None]]
    loans: list[tuple[str, int, int, int | None]]

    @classmethod
    def read(cls) -> Counted:
        """Shared by the views of one worker until a revision moves: not to be changed."""
        return kept_for_figures("portfolio counts", ("country_year_totals",), None,
                                lambda: cls(*_by_country_and_year()))

    def by_kind(self) -> dict[str, list]:
        return {"grant": self.grants, "loan": self.loans}


def by_country(counted: Counted | None = None) -> list[CountryCount]:
    """Grants and loans per country (a loan's investment country), the most files first."""
    counted = counted or Counted.read()
    counts: dict[str, dict[str, int]] = {}
    for kind, rows in counted.by_kind().items():
        for country, _year, n, _yen in rows:
            per_kind = counts.setdefault(country, {"grant": 0, "loan": 0})
            per_kind[kind] += n
    ordered = sorted(counts.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    name = country_names()
    return [CountryCount(code, name(code), n["grant"], n["loan"]) for code, n in ordered]


@dataclass(frozen=True)
class CountryYear:
    kind: str  # grant or loan
    country: str
    country_name: str
    fiscal_year: int
    approved_yen: int
    disbursed_yen: int


def _disbursed() -> dict[tuple[str, str, int], int]:
    return kept_for_figures("portfolio disbursed", ("country_year_totals",), None,
                            _read_disbursed)


def _read_disbursed() -> dict[tuple[str, str, int], int]:
    """(kind, country, fiscal year) -> yen disbursed, from the sums kept with the ledger
    (models.CountryYearTotal). A row a moved loan or society emptied stays, at zero: not a
    country shown."""
    return {(k, c, y): int(v) for k, c, y, v in db.session.connection().execute(
        select(CountryYearTotal.kind, CountryYearTotal.country_code,
               CountryYearTotal.fiscal_year, CountryYearTotal.disbursed_yen)
        .where(CountryYearTotal.disbursements > 0)).all()}


def money_by_country_and_year(counted: Counted | None = None) -> list[CountryYear]:
    """Approved yen (by the application's fiscal year) and disbursed yen (by the ledger), for
    grants and for loans apart; kept as the figures it is made of are, per language (the
    countries' names)."""
    return list(kept_for_figures(
        "portfolio money", ("country_year_totals",), str(get_locale() or "en"),
        lambda: tuple(_money_by_country_and_year(counted or Counted.read()))))


def _money_by_country_and_year(counted: Counted) -> list[CountryYear]:
    approved: dict[tuple[str, str, int], int] = {}
    for kind, rows in counted.by_kind().items():
        for country, year, _n, yen in rows:
            if yen is not None:
                approved[kind, country, year] = approved.get((kind, country, year), 0) + int(yen)
    disbursed = _disbursed()
    keys = sorted(set(approved) | set(disbursed), key=lambda k: (k[0], k[2], k[1]))
    name = country_names()
    return [CountryYear(k, c, name(c), y, approved.get((k, c, y), 0),
                        disbursed.get((k, c, y), 0)) for k, c, y in keys]


def countries_and_money() -> tuple[list[CountryCount], list[CountryYear]]:
    """by_country and money_by_country_and_year from one reading of the counts."""
    counted = Counted.read()
    return by_country(counted), money_by_country_and_year(counted)


def loan_book() -> dict[str, int]:
    """Loans by position, and the principal still outstanding in the SME fund."""
    return dict(kept_for_figures("portfolio loan book", ("state_totals", "fund_totals"), None,
                                 _loan_book))


def _loan_book() -> dict[str, int]:
    counts = {state: int(n) for state, n in db.session.execute(  # the kept counts by state
        select(StateTotal.state, StateTotal.applications).where(
            StateTotal.kind == "loan",
            StateTotal.state.in_(("active", "in_arrears", "repaid", "written_off"))))}
    sums = dict(db.session.execute(  # the kept totals: a few rows, however long the ledger
        select(FundTotal.kind, func.sum(FundTotal.amount_yen))
        .join(Fund, Fund.id == FundTotal.fund_id)
        .where(Fund.kind == "loan",
               FundTotal.kind.in_(("disbursement", "repayment_principal", "write_off")))
        .group_by(FundTotal.kind)).all())
    outstanding = (int(sums.get("disbursement", 0)) - int(sums.get("repayment_principal", 0))
                   - int(sums.get("write_off", 0)))
    return {"active": counts.get("active", 0), "in_arrears": counts.get("in_arrears", 0),
            "repaid": counts.get("repaid", 0), "written_off": counts.get("written_off", 0),
            "outstanding_yen": outstanding}
