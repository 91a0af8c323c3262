"""The portfolio's and the fund history's figures as they were read before they were kept
(workflow.money.kept_figures, workflow.files.application_totals): every application and
every ledger entry summed on each view. bench.money_pages times them against the kept ones."""

from __future__ import annotations

from sqlalchemy import case, extract, func, select

from models import (
    Application,
    FinalReport,
    LedgerEntry,
    LoanDetails,
    Organisation,
    ReportParticipant,
    Round,
    db,
)
from tests.demo.checks import balance_moves

_LOAN_COUNTRY = func.coalesce(LoanDetails.investment_country, Organisation.country_code)


def by_round() -> list[tuple[str, int, int]]:
    per_round = (select(Application.round_id, func.count().label("n"),
                        func.coalesce(func.sum(Application.approved_yen), 0).label("yen"))
                 .where(Application.round_id.is_not(None))
                 .group_by(Application.round_id).subquery())
    return db.session.execute(
        select(Round.name, func.sum(per_round.c.n), func.sum(per_round.c.yen))
        .join(per_round, per_round.c.round_id == Round.id)
        .group_by(Round.name).order_by(Round.name)).all()


def by_country_and_year(kind: str) -> list[tuple[str, int, int, int | None]]:
    if kind == "grant":
        per_organisation = (
            select(Application.organisation_id, Application.fiscal_year,
                   func.count().label("n"), func.sum(Application.approved_yen).label("yen"))
            .where(Application.kind == "grant")
            .group_by(Application.organisation_id, Application.fiscal_year).subquery())
        return db.session.execute(
            select(Organisation.country_code, per_organisation.c.fiscal_year,
                   per_organisation.c.n, per_organisation.c.yen)
            .join(per_organisation, per_organisation.c.organisation_id == Organisation.id)
        ).all()
    return db.session.execute(
        select(_LOAN_COUNTRY, Application.fiscal_year, func.count(),
               func.sum(Application.approved_yen))
        .select_from(Application)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .outerjoin(LoanDetails, LoanDetails.application_id == Application.id)
        .where(Application.kind == "loan")
        .group_by(_LOAN_COUNTRY, Application.fiscal_year)).all()


def disbursed_by_country() -> dict[tuple[str, str, int], int]:
    per_application = (
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


def _per_fiscal_year(rows) -> dict[tuple[str, int], int]:
    totals: dict[tuple[str, int], int] = {}
    for code, year, month, total in rows:
        key = (code, int(year) if int(month) >= 4 else int(year) - 1)
        totals[key] = totals.get(key, 0) + int(total)
    return totals


def map_disbursed() -> dict[tuple[str, int], int]:
    year, month = extract("year", LedgerEntry.booked_on), extract("month", LedgerEntry.booked_on)
    return _per_fiscal_year(db.session.execute(
        select(Organisation.country_code, year, month, func.sum(LedgerEntry.amount_yen))
        .join(Application, Application.id == LedgerEntry.application_id)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .where(LedgerEntry.kind == "disbursement", Application.kind == "grant")
        .group_by(Organisation.country_code, year, month)).all())


def map_trained() -> dict[tuple[str, int], int]:
    year = extract("year", FinalReport.accepted_at)
    month = extract("month", FinalReport.accepted_at)
    return _per_fiscal_year(db.session.execute(
        select(ReportParticipant.country_code, year, month,
               func.sum(ReportParticipant.participants))
        .join(FinalReport, FinalReport.application_id == ReportParticipant.report_id)
        .where(FinalReport.accepted_at.is_not(None))
        .group_by(ReportParticipant.country_code, year, month)).all())


def balance_history(fund) -> list[dict]:
    rows = db.session.execute(
        select(LedgerEntry.booked_on, LedgerEntry.kind, func.sum(LedgerEntry.amount_yen))
        .where(LedgerEntry.fund_id == fund.id)
        .group_by(LedgerEntry.booked_on, LedgerEntry.kind)
        .order_by(LedgerEntry.booked_on)).all()
    history: list[dict] = []
    cash = committed = 0
    for day, kind, amount in rows:
        cash_moved, committed_moved = balance_moves(kind, int(amount))
        cash, committed = cash + cash_moved, committed + committed_moved
        if history and history[-1]["day"] == day.isoformat():
            history[-1].update(cash=cash, committed=committed, available=cash - committed)
        else:
            history.append({"day": day.isoformat(), "cash": cash, "committed": committed,
                            "available": cash - committed})
    return history


def sums_by_round() -> dict[int, dict[str, int]]:
    """The rounds page's sums as they were: every round's entries joined to their files."""
    sums: dict[int, dict[str, int]] = {}
    for round_id, kind, total in db.session.execute(
            select(Application.round_id, LedgerEntry.kind, func.sum(LedgerEntry.amount_yen))
            .join(Application, Application.id == LedgerEntry.application_id)
            .where(Application.round_id.is_not(None))
            .group_by(Application.round_id, LedgerEntry.kind)):
        sums.setdefault(round_id, {})[kind] = int(total or 0)
    return sums


def ready_query(*columns):
    """The finance queue's files that may release money and still have some to release, as
    found before each file's sums were kept (workflow.money.release_totals): the tranches
    of every file that may release money, and every confirmed cancellation, summed."""
    from models import Tranche, UndrawnCancellation
    from workflow.money.finance_queue import releasable_clause
    from workflow.money.tranches import PENDING_SUM, RELEASED_SUM

    totals = (select(Tranche.application_id.label("application_id"),
                     RELEASED_SUM.label("released"), PENDING_SUM.label("pending"))
              .join(Application, Application.id == Tranche.application_id)
              .where(releasable_clause())
              .group_by(Tranche.application_id).subquery())
    given_up = (select(UndrawnCancellation.application_id.label("application_id"),
                       func.sum(UndrawnCancellation.amount_yen).label("cancelled"))
                .where(UndrawnCancellation.state == "confirmed")
                .group_by(UndrawnCancellation.application_id).subquery())
    released = func.coalesce(totals.c.released, 0)
    pending = func.coalesce(totals.c.pending, 0)
    cancelled = func.coalesce(given_up.c.cancelled, 0)
    return (select(*columns, released, pending, cancelled)
            .outerjoin(totals, totals.c.application_id == Application.id)
            .outerjoin(given_up, given_up.c.application_id == Application.id)
            .where(releasable_clause(), Application.approved_yen.is_not(None),
                   Application.approved_yen - released - pending - cancelled > 0))
