"""The portfolio at a glance: aggregate figures, each from one grouped query."""

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
    return db.session.execute(
        select(Application.kind, Application.state, func.count())
        .group_by(Application.kind, Application.state)
        .order_by(Application.kind, func.count().desc())).all()


def by_round() -> list[tuple[str, int, int]]:
    return db.session.execute(
        select(Round.name, func.count(Application.id), func.coalesce(
            func.sum(Application.approved_yen), 0))
        .join(Application, Application.round_id == Round.id)
        .group_by(Round.name).order_by(Round.name)).all()


def by_programme_type() -> list[tuple[str, int]]:
    return db.session.execute(
        select(GrantDetails.programme_type, func.count())
        .where(GrantDetails.programme_type.is_not(None))
        .group_by(GrantDetails.programme_type).order_by(func.count().desc())).all()


def by_country() -> list[tuple[str, str, int]]:
    rows = db.session.execute(
        select(Organisation.country_code, func.count(Application.id))
        .join(Application, Application.organisation_id == Organisation.id)
        .group_by(Organisation.country_code).order_by(func.count(Application.id).desc())
    ).all()
    return [(code, country_name(code), n) for code, n in rows]


@dataclass(frozen=True)
class CountryYear:
    country: str
    country_name: str
    fiscal_year: int
    approved_yen: int
    disbursed_yen: int


def money_by_country_and_year() -> list[CountryYear]:
    """Approved yen (by the application's fiscal year) and disbursed yen (by the ledger)."""
    approved = {(c, y): int(v) for c, y, v in db.session.execute(
        select(Organisation.country_code, Application.fiscal_year,
               func.sum(Application.approved_yen))
        .join(Application, Application.organisation_id == Organisation.id)
        .where(Application.approved_yen.is_not(None))
        .group_by(Organisation.country_code, Application.fiscal_year)).all()}
    disbursed = {(c, y): int(v) for c, y, v in db.session.execute(
        select(Organisation.country_code, Application.fiscal_year,
               func.sum(LedgerEntry.amount_yen))
        .join(Application, Application.id == LedgerEntry.application_id)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .where(LedgerEntry.kind == "disbursement")
        .group_by(Organisation.country_code, Application.fiscal_year)).all()}
    keys = sorted(set(approved) | set(disbursed), key=lambda k: (k[1], k[0]))
    return [CountryYear(c, country_name(c), y, approved.get((c, y), 0),
                        disbursed.get((c, y), 0)) for c, y in keys]


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
    sums = dict(db.session.execute(
        select(LedgerEntry.kind, func.sum(LedgerEntry.amount_yen))
        .join(Fund, Fund.id == LedgerEntry.fund_id)
        .where(Fund.kind == "loan", LedgerEntry.kind.in_(
            ("disbursement", "repayment_principal", "write_off")))
        .group_by(LedgerEntry.kind)).all())
    outstanding = (int(sums.get("disbursement", 0)) - int(sums.get("repayment_principal", 0))
                   - int(sums.get("write_off", 0)))
    return {"active": counts.get("active", 0), "in_arrears": counts.get("in_arrears", 0),
            "repaid": counts.get("repaid", 0), "written_off": counts.get("written_off", 0),
            "outstanding_yen": outstanding}
