"""Read-side views of a fund: its ledger filtered, and its balances over time."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import Select, case, func, select

from models import (
    LEDGER_KINDS,
    Application,
    Fund,
    FundDayTotal,
    FundTotal,
    LedgerEntry,
    User,
    db,
)
from models.i18n import N_
from workflow.engine.errors import ValidationFailed
from workflow.engine.wording import csv_header

from .ledger import CASH_IN


@dataclass
class LedgerFilters:
    kind: str = ""
    date_from: date | None = None
    date_to: date | None = None
    reference: str = ""

    def check(self) -> None:
        if self.kind and self.kind not in LEDGER_KINDS:
            raise ValidationFailed(_("There is no ledger entry kind %(kind)s.",
                                     kind=f"{self.kind!r}"), "kind")
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise ValidationFailed(_("The date range ends before it starts."), "date_to")


def _where(fund: Fund, filters: LedgerFilters) -> list:
    filters.check()
    where = [LedgerEntry.fund_id == fund.id]
    if filters.kind:
        where.append(LedgerEntry.kind == filters.kind)
    if filters.date_from:
        where.append(LedgerEntry.booked_on >= filters.date_from)
    if filters.date_to:
        where.append(LedgerEntry.booked_on <= filters.date_to)
    if filters.reference:
        where.append(LedgerEntry.application_id.in_(select(Application.id).where(
            Application.reference == filters.reference.strip().upper())))
    return where


def ledger_query(fund: Fund, filters: LedgerFilters) -> Select:
    return (select(LedgerEntry.id, LedgerEntry.booked_on, LedgerEntry.kind,
                   LedgerEntry.amount_yen, Application.reference, LedgerEntry.memo,
                   User.name.label("actor"), LedgerEntry.created_at)
            .outerjoin(Application, Application.id == LedgerEntry.application_id)
            .outerjoin(User, User.id == LedgerEntry.actor_id)
            .where(*_where(fund, filters))
            .order_by(LedgerEntry.booked_on.desc(), LedgerEntry.id.desc()))


def ledger_count(fund: Fund, filters: LedgerFilters) -> int:
    """How many entries the filters let through: from the fund's kept totals (a few rows)
    when at most the kind is chosen, else counted in the ledger."""
    where = _where(fund, filters)
    if filters.date_from or filters.date_to or filters.reference:
        return db.session.scalar(select(func.count(LedgerEntry.id)).where(*where))
    kept = [FundTotal.fund_id == fund.id]
    if filters.kind:
        kept.append(FundTotal.kind == filters.kind)
    return int(db.session.scalar(select(func.coalesce(func.sum(FundTotal.entries), 0))
                                 .where(*kept)))


LEDGER_CSV_HEADER = (N_("id"), N_("booked_on"), N_("kind"), N_("amount_yen"), N_("application"),
                     N_("memo"), N_("by"), N_("recorded_at"))


def ledger_csv_rows(fund: Fund, filters: LedgerFilters) -> Iterator[tuple]:
    yield csv_header(LEDGER_CSV_HEADER)
    result = db.session.execute(ledger_query(fund, filters).execution_options(yield_per=2000))
    for row in result:
        yield tuple("" if v is None else v for v in row)


# What each kind does to a day's cash and to the money committed (workflow.money.ledger).
_DAY = FundDayTotal.amount_yen
_CASH_MOVED = case((FundDayTotal.kind.in_(CASH_IN), _DAY),
                   (FundDayTotal.kind == "disbursement", -_DAY), else_=0)
_COMMITTED_MOVED = case((FundDayTotal.kind == "commitment", _DAY),
                        (FundDayTotal.kind.in_(("commitment_release", "disbursement")), -_DAY),
                        else_=0)


def balance_history(fund: Fund) -> list[dict]:
    """Cash, committed and available at the end of each day that had entries, from the
    fund's sums kept by day and kind (workflow.money.kept_figures): each day's movements
    summed by the database, a row per day however many entries each day had."""
    rows = db.session.execute(
        select(FundDayTotal.booked_on, func.sum(_CASH_MOVED), func.sum(_COMMITTED_MOVED))
        .where(FundDayTotal.fund_id == fund.id)
        .group_by(FundDayTotal.booked_on).order_by(FundDayTotal.booked_on)).all()
    history: list[dict] = []
    cash = committed = 0
    for day, cash_moved, committed_moved in rows:
        cash += int(cash_moved)
        committed += int(committed_moved)
        history.append({"day": day.isoformat(), "cash": cash, "committed": committed,
                        "available": cash - committed})
    return history
