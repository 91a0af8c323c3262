"""The portfolio at a glance: aggregate figures, each from one grouped query, read from an
index rather than the rows where an index holds what it sums."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select

from models import (
    Application,
    Fund,
    FundTotal,
    GrantDetails,
    LedgerEntry,
    LoanDetails,
    Organisation,
    Round,
    db,
)
from workflow.people.accounts import country_name


def by_state() -> list[tuple[str, str, int]]:
    """(kind, state, applications), each kind's biggest state first."""
    rows = db.session.execute(  # in the order of ix_applications_state_kind_due_on
        select(Application.kind, Application.state, func.count())
        .group_by(Application.state, Application.kind)).all()
    return sorted(((k, s, n) for k, s, n in rows), key=lambda r: (r[0], -r[2]))


def by_round() -> list[tuple[str, int, int]]:
    per_round = (select(Application.round_id, func.count().label("n"),
                        func.coalesce(func.sum(Application.approved_yen), 0).label("yen"))
                 .where(Application.round_id.is_not(None))
                 .group_by(Application.round_id).subquery())  # ix_applications_round_approved
    return db.session.execute(
        select(Round.name, func.sum(per_round.c.n), func.sum(per_round.c.yen))
        .join(per_round, per_round.c.round_id == Round.id)
        .group_by(Round.name).order_by(Round.name)).all()


def by_programme_type() -> list[tuple[str, int]]:
    return db.session.execute(
        select(GrantDetails.programme_type, func.count())
        .where(GrantDetails.programme_type.is_not(None))
        .group_by(GrantDetails.programme_type).order_by(func.count().desc())).all()


# Where an application's money goes: a grant to its society's country, a loan to the country
# the company invests in (its own country only while a draft names none).
_LOAN_COUNTRY = func.coalesce(LoanDetails.investment_country, Organisation.country_code)


def _grants_by_country_and_year() -> list[tuple[str, int, int, int | None]]:
    """(country, fiscal year, grants, approved yen) per society's country and year, from
    ix_applications_organisation_kind_year_approved alone (PostgreSQL may rather scan the
    table: most files are grants)."""
    per_organisation = (
        select(Application.organisation_id, Application.fiscal_year, func.count().label("n"),
               func.sum(Application.approved_yen).label("yen"))
        .where(Application.kind == "grant")
        .group_by(Application.organisation_id, Application.fiscal_year).subquery())
    return db.session.execute(
        select(Organisation.country_code, per_organisation.c.fiscal_year, per_organisation.c.n,
               per_organisation.c.yen)
        .join(per_organisation, per_organisation.c.organisation_id == Organisation.id)).all()


def _loans_by_country_and_year() -> list[tuple[str, int, int, int | None]]:
    """(investment country, fiscal year, loans, approved yen): the loans' ids, years and
    amounts from ix_applications_organisation_kind_year_approved, their countries from
    ix_loan_details_application_country, grouped once."""
    return db.session.execute(
        select(_LOAN_COUNTRY, Application.fiscal_year, func.count(),
               func.sum(Application.approved_yen))
        .select_from(Application)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .outerjoin(LoanDetails, LoanDetails.application_id == Application.id)
        .where(Application.kind == "loan")
        .group_by(_LOAN_COUNTRY, Application.fiscal_year)).all()


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
        return cls(_grants_by_country_and_year(), _loans_by_country_and_year())

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
    return [CountryCount(code, country_name(code), n["grant"], n["loan"]) for code, n in ordered]


@dataclass(frozen=True)
class CountryYear:
    kind: str  # grant or loan
    country: str
    country_name: str
    fiscal_year: int
    approved_yen: int
    disbursed_yen: int


def _disbursed() -> dict[tuple[str, str, int], int]:
    """(kind, country, fiscal year) -> yen disbursed, by the ledger."""
    per_application = (  # ix_ledger_entries_kind_application: the disbursements only
        select(LedgerEntry.application_id, func.sum(LedgerEntry.amount_yen).label("yen"))
        .where(LedgerEntry.kind == "disbursement")
        .group_by(LedgerEntry.application_id).subquery())
    country = case((Application.kind == "loan", _LOAN_COUNTRY),
                   else_=Organisation.country_code)
    return {(k, c, y): int(v) for k, c, y, v in db.session.execute(
        select(Application.kind, country, Application.fiscal_year,
               func.sum(per_application.c.yen))
        .join(Application, Application.id == per_application.c.application_id)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .outerjoin(LoanDetails, LoanDetails.application_id == Application.id)
        .group_by(Application.kind, country, Application.fiscal_year)).all()}


def money_by_country_and_year(counted: Counted | None = None) -> list[CountryYear]:
    """Approved yen (by the application's fiscal year) and disbursed yen (by the ledger), for
    grants and for loans apart."""
    counted = counted or Counted.read()
    approved: dict[tuple[str, str, int], int] = {}
    for kind, rows in counted.by_kind().items():
        for country, year, _n, yen in rows:
            if yen is not None:
                approved[kind, country, year] = approved.get((kind, country, year), 0) + int(yen)
    disbursed = _disbursed()
    keys = sorted(set(approved) | set(disbursed), key=lambda k: (k[0], k[2], k[1]))
    return [CountryYear(k, c, country_name(c), y, approved.get((k, c, y), 0),
                        disbursed.get((k, c, y), 0)) for k, c, y in keys]


def countries_and_money() -> tuple[list[CountryCount], list[CountryYear]]:
    """by_country and money_by_country_and_year from one reading of the counts."""
    counted = Counted.read()
    return by_country(counted), money_by_country_and_year(counted)


def loan_book() -> dict[str, int]:
    """Loans by position, and the principal still outstanding in the SME fund."""
    counts = dict(db.session.execute(
        select(Application.state, func.count()).where(
            Application.kind == "loan",
            Application.state.in_(("active", "in_arrears", "repaid", "written_off")))
        .group_by(Application.state)).all())
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
