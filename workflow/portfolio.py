"""The portfolio at a glance: aggregate figures, each from one grouped query, read from an
index rather than the rows where an index holds what it sums."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from models import (
    Application,
    FinalReport,
    Fund,
    GrantDetails,
    LedgerEntry,
    Organisation,
    ReportParticipant,
    Round,
    db,
)

from .accounts import country_name


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


def _by_organisation_and_year() -> list[tuple[str, int, int, int]]:
    """(country, fiscal year, applications, approved yen) per organisation and year: one
    pass over ix_applications_organisation_year_approved, no row read."""
    per_organisation = (
        select(Application.organisation_id, Application.fiscal_year, func.count().label("n"),
               func.sum(Application.approved_yen).label("yen"))
        .group_by(Application.organisation_id, Application.fiscal_year).subquery())
    return db.session.execute(
        select(Organisation.country_code, per_organisation.c.fiscal_year, per_organisation.c.n,
               per_organisation.c.yen)
        .join(per_organisation, per_organisation.c.organisation_id == Organisation.id)).all()


def by_country(rows: list | None = None) -> list[tuple[str, str, int]]:
    """(code, name, applications), the most first."""
    counts: dict[str, int] = {}
    for country, _year, n, _yen in rows if rows is not None else _by_organisation_and_year():
        counts[country] = counts.get(country, 0) + n
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [(code, country_name(code), n) for code, n in ordered]


@dataclass(frozen=True)
class CountryYear:
    country: str
    country_name: str
    fiscal_year: int
    approved_yen: int
    disbursed_yen: int


def money_by_country_and_year(rows: list | None = None) -> list[CountryYear]:
    """Approved yen (by the application's fiscal year) and disbursed yen (by the ledger)."""
    approved: dict[tuple[str, int], int] = {}
    for country, year, _n, yen in rows if rows is not None else _by_organisation_and_year():
        if yen is not None:
            approved[country, year] = approved.get((country, year), 0) + int(yen)
    per_application = (  # ix_ledger_entries_kind_application: the disbursements only
        select(LedgerEntry.application_id, func.sum(LedgerEntry.amount_yen).label("yen"))
        .where(LedgerEntry.kind == "disbursement")
        .group_by(LedgerEntry.application_id).subquery())
    disbursed = {(c, y): int(v) for c, y, v in db.session.execute(
        select(Organisation.country_code, Application.fiscal_year,
               func.sum(per_application.c.yen))
        .join(Application, Application.id == per_application.c.application_id)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .group_by(Organisation.country_code, Application.fiscal_year)).all()}
    keys = sorted(set(approved) | set(disbursed), key=lambda k: (k[1], k[0]))
    return [CountryYear(c, country_name(c), y, approved.get((c, y), 0),
                        disbursed.get((c, y), 0)) for c, y in keys]


def countries_and_money() -> tuple[list[tuple[str, str, int]], list[CountryYear]]:
    """by_country and money_by_country_and_year from one pass over the applications."""
    rows = _by_organisation_and_year()
    return by_country(rows), money_by_country_and_year(rows)


def persons_trained() -> list[tuple[str, str, int]]:
    """Actual participants by country, from accepted final reports only."""
    rows = db.session.execute(
        select(ReportParticipant.country_code, func.sum(ReportParticipant.participants))
        .join(FinalReport, FinalReport.application_id == ReportParticipant.report_id)
        .where(FinalReport.accepted_at.is_not(None))
        .group_by(ReportParticipant.country_code)
        .order_by(func.sum(ReportParticipant.participants).desc())).all()
    return [(code, country_name(code), int(n)) for code, n in rows]


def loan_book() -> dict[str, int]:
    """Loans by position, and the principal still outstanding in the SME fund."""
    counts = dict(db.session.execute(
        select(Application.state, func.count()).where(
            Application.kind == "loan",
            Application.state.in_(("active", "in_arrears", "repaid", "written_off")))
        .group_by(Application.state)).all())
    # The fund ids as values: SQLite then reads ix_ledger_entries_fund_kind_totals alone,
    # where behind a subquery it would read every disbursement of every fund.
    loan_funds = db.session.scalars(select(Fund.id).where(Fund.kind == "loan")).all()
    sums = dict(db.session.execute(
        select(LedgerEntry.kind, func.sum(LedgerEntry.amount_yen))
        .where(LedgerEntry.fund_id.in_(loan_funds),
               LedgerEntry.kind.in_(("disbursement", "repayment_principal", "write_off")))
        .group_by(LedgerEntry.kind)).all())
    outstanding = (int(sums.get("disbursement", 0)) - int(sums.get("repayment_principal", 0))
                   - int(sums.get("write_off", 0)))
    return {"active": counts.get("active", 0), "in_arrears": counts.get("in_arrears", 0),
            "repaid": counts.get("repaid", 0), "written_off": counts.get("written_off", 0),
            "outstanding_yen": outstanding}
