"""The fund ledger: every balance is derived from its append-only entries.

    cash        = donations + refunds + repayments (damages too) − disbursements
    committed   = commitments − commitment releases − disbursements of grants/loans
    available   = cash − committed            (never below zero)

Anything that may lower `available` locks the fund row first (FOR UPDATE on
PostgreSQL; SQLite's write lock is already held), so two approvals or tranches
racing for the last yen are serialised and the second sees the first.

The balances are read from the sums `post` keeps by kind and fiscal year in the same
transaction as each entry (workflow.money.fund_totals), so a page costs the same whatever
the ledger's length.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from models import Application, Fund, FundTotal, LedgerEntry, User, db
from models.i18n import N_
from workflow.engine import audit, reading
from workflow.engine.errors import TransitionRefused
from workflow.engine.fiscal import fiscal_year
from workflow.engine.locking import ensure_write_transaction
from workflow.engine.wording import word

from . import fund_totals, kept_figures

CASH_IN = ("donation", "refund", "repayment_principal", "repayment_interest",
           "repayment_damages")
CASH_OUT = ("disbursement",)


@dataclass(frozen=True)
class Balances:
    cash: int
    committed: int
    disbursed_this_year: int
    refunds_due: int
    loans_outstanding: int
    written_off: int

    @property
    def available(self) -> int:
        return self.cash - self.committed


def _sums(where) -> dict[str, int]:
    rows = db.session.execute(
        select(LedgerEntry.kind, func.coalesce(func.sum(LedgerEntry.amount_yen), 0))
        .where(*where).group_by(LedgerEntry.kind)
    ).all()
    return {kind: int(total) for kind, total in rows}


def balances(fund: Fund, today: date | None = None) -> Balances:
    """All the fund's figures, from its kept totals (a row per kind and fiscal year,
    workflow.money.fund_totals) rather than its whole ledger."""
    year = fiscal_year(today or date.today())
    rows = db.session.execute(
        select(
            FundTotal.kind,
            func.coalesce(func.sum(FundTotal.amount_yen), 0),
            func.coalesce(func.sum(case(
                (FundTotal.fiscal_year == year, FundTotal.amount_yen), else_=0)), 0),
        ).where(FundTotal.fund_id == fund.id).group_by(FundTotal.kind)
    ).all()
    total = {kind: int(amount) for kind, amount, _ in rows}
    this_year = {kind: int(amount) for kind, _, amount in rows}
    get = total.get
    cash = sum(get(k, 0) for k in CASH_IN) - sum(get(k, 0) for k in CASH_OUT)
    committed = get("commitment", 0) - get("commitment_release", 0) - get("disbursement", 0)
    loans_outstanding = 0
    if fund.kind == "loan":
        loans_outstanding = (get("disbursement", 0) - get("repayment_principal", 0)
                             - get("write_off", 0))
    return Balances(
        cash=cash, committed=committed, disbursed_this_year=this_year.get("disbursement", 0),
        refunds_due=get("refund_due", 0) - get("refund", 0),
        loans_outstanding=loans_outstanding, written_off=get("write_off", 0),
    )


@reading.memoised  # a page asks several times (released, unspent, outstanding)
def application_totals(application: Application) -> dict[str, int]:
    """The ledger sums of one application, by kind."""
    return _sums([LedgerEntry.application_id == application.id])


def outstanding_commitment(application: Application) -> int:
    """Reserved for this application and neither disbursed nor released yet."""
    sums = application_totals(application)
    return (sums.get("commitment", 0) - sums.get("commitment_release", 0)
            - sums.get("disbursement", 0))


def lock_fund(fund: Fund) -> Fund:
    """Serialise everything that may lower the fund's balance.

    FOR NO KEY UPDATE, not FOR UPDATE: inserting a row that references the fund (a ledger
    entry, a donation) takes PostgreSQL's KEY SHARE lock on it, which FOR UPDATE would
    conflict with — two such transactions upgrading would deadlock. NO KEY UPDATE still
    excludes every other locker of the fund.
    """
    ensure_write_transaction(db.session)
    return db.session.execute(
        select(Fund).where(Fund.id == fund.id).with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    ).scalar_one()


def post(fund: Fund, kind: str, amount_yen: int, *, actor: User | None,
         application: Application | None = None, booked_on: date | None = None,
         memo: str = "", **links) -> LedgerEntry:
    """Append one entry (and its audit event). Amounts are positive; the kind gives the sign."""
    if not isinstance(amount_yen, int) or amount_yen <= 0:
        raise ValueError(f"A ledger amount must be a positive whole number of yen, "
                         f"not {amount_yen!r}.")
    # The chain's lock before the entry's id is drawn: entries then commit in id order, which
    # the incremental verification's checkpoints rely on (workflow.engine.audit.lock_chain).
    audit.lock_chain()
    entry = LedgerEntry(fund_id=fund.id, kind=kind, amount_yen=amount_yen,
                        booked_on=booked_on or date.today(),
                        application_id=application.id if application else None,
                        actor_id=actor.id if actor else None, memo=memo[:300], **links)
    db.session.add(entry)
    db.session.flush()
    conn = db.session.connection()
    fund_totals.add(conn, fund.id, kind, entry.booked_on, amount_yen)
    kept_figures.entry_booked(conn, fund.id, kind, entry.booked_on, amount_yen, application)
    # of_file: the application's page shows the loan's or grant's money.
    audit.record(f"ledger.{kind}", actor=actor, object_type="ledger_entry", object_id=entry.id,
                 of_file=application.id if application else None,
                 data={"fund": fund.code, "amount_yen": amount_yen,
                       "application": application.reference if application else None,
                       "memo": entry.memo,
                       **{k: (v.id if hasattr(v, "id") else v) for k, v in links.items()}})
    return entry


def shortfall_message(fund: Fund, available: int, amount: int, doing: str) -> str:
    """`doing`: what would spend the money ("approving"), marked with N_."""
    return _("The %(code)s fund has ¥%(available)s available; %(doing)s ¥%(amount)s would take "
             "it below zero (short by ¥%(short)s).", code=fund.code,
             available=f"{available:,}", doing=word(doing), amount=f"{amount:,}",
             short=f"{amount - available:,}")


def shortfall(fund: Fund, amount: int, doing: str) -> str | None:
    """The sentence refusing to lower the fund's available balance by `amount` below zero
    (the fund's lock held), or None when the money is there."""
    available = balances(fund).available
    if amount > available:
        return shortfall_message(fund, available, amount, doing)
    return None


def reserve(application: Application, amount_yen: int, actor: User | None,
            booked_on: date | None = None) -> LedgerEntry:
    """Commit money to an approved application; refused when the fund is short."""
    fund = lock_fund(application.fund)
    problem = shortfall(fund, amount_yen, N_("approving"))
    if problem:
        raise TransitionRefused(problem)
    return post(fund, "commitment", amount_yen, actor=actor, application=application,
                booked_on=booked_on, memo=f"Approval of {application.reference}")


def release_commitment(application: Application, actor: User | None, memo: str,
                       booked_on: date | None = None) -> int:
    """Give back to the fund whatever is still reserved for this application."""
    lock_fund(application.fund)
    remaining = outstanding_commitment(application)
    if remaining > 0:
        post(application.fund, "commitment_release", remaining, actor=actor,
             application=application, booked_on=booked_on, memo=memo)
    return remaining
