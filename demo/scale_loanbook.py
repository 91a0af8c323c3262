"""Scale seed: a loan's schedule and the repayments made against it, as the loan book would
record them — by the same arithmetic (workflow.loans.replan at the release,
workflow.loans.allocation for each payment), on plain rows instead of the database's.

Instalments fall due monthly from the release. A company pays what has fallen due on the
due date or a few days after (a few yen of delay damages then); some are late once, marked
in arrears by the daily job and cured by the next payment; some stop paying and are written
off. The generated loans are drawn in one tranche and never prepaid.

The book reads only the rows still open: an instalment fallen due and paid in full, its
damages too, adds nothing to what is owed nor to a payment's split, so the settled head of
the schedule is passed over instead of being reckoned again at every repayment (which made
a loan's cost grow with the square of its instalments). The figures are the same yen.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from datetime import date, timedelta

from workflow.loans.accrual import LoanTerms, Position, left_to_pay, position
from workflow.loans.allocation import allocate, apply_parts
from workflow.loans.book import schedule_summary
from workflow.loans.repayments import GRACE_DAYS
from workflow.loans.replan import replan

from .scale_plan import Context, Plan, at_work

WRITE_OFFS = ("The venture stopped trading and the guarantor is insolvent.",
              "The company is in liquidation; recovery would cost more than it brings.")


class Row(dict):
    """An instalment row for the bulk writer, read and written by attribute as the loan
    book's arithmetic reads models.Instalment."""

    __getattr__ = dict.__getitem__
    __setattr__ = dict.__setitem__


def _plain(summary: dict | None) -> dict | None:
    """Dates as the audit trail stores them."""
    if summary is None:
        return None
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in summary.items()}


def _settled(row: Row) -> bool:
    """Paid in full, damages included: nothing of it is owed again, whatever the day."""
    return not left_to_pay(row) and row["damages_yen"] == row["paid_damages_yen"]


class LoanBook:
    """The schedule drawn at the release, and the repayments made against it."""

    def __init__(self, plan: Plan, ctx: Context, rng: random.Random, loan: dict,
                 released: date, finance: list[int], amount: int):
        self.plan, self.ctx, self.rng, self.finance = plan, ctx, rng, finance
        self.loan, self.released, self.amount = loan, released, amount
        self.terms = LoanTerms(released, loan["annual_rate"], loan["damages_rate"],
                               loan["term_months"], loan["grace_months"], loan["method"],
                               loan["prepayment_mode"] == "shorter_term")
        self.rows = [Row(id=ctx.ids.take("instalments"), application_id=plan.app_id,
                         number=p.number, due_on=p.due_on, principal_yen=p.principal_yen,
                         interest_yen=p.interest_yen, balance_after_yen=p.balance_after_yen,
                         paid_principal_yen=0, paid_interest_yen=0, paid_on=None,
                         interest_accrued_yen=p.interest_accrued_yen,
                         interest_accrued_to=p.interest_accrued_to, damages_yen=0,
                         damages_to=None, paid_damages_yen=0)
                     for p in replan(self.terms, [], released, released=amount)]
        self.due_dates = [r["due_on"] for r in self.rows]
        self.by_number = {r["number"]: r for r in self.rows}
        self.settled = 0  # the rows before this index are settled (see _settled)

    def summary(self) -> dict:
        """The schedule as the release event records it (workflow.loans.drawdowns)."""
        return {"reason": "first release", "on": self.released.isoformat(),
                "released_yen": self.amount, "before": None,
                "after": _plain(schedule_summary(self.rows, self.released))}

    def _pass_settled(self) -> int:
        """Move past the rows settled since last asked (a settled row stays settled: no
        payment reaches it again); returns the index of the first row not settled."""
        rows, i = self.rows, self.settled
        while i < len(rows) and _settled(rows[i]):
            i += 1
        self.settled = i
        return i

    def open_rows(self, day: date) -> list[Row]:
        """The rows the arithmetic must read on `day`: all but the settled ones fallen due by
        then (a settled row not yet due still marks the current period)."""
        return self.rows[min(self._pass_settled(), bisect_right(self.due_dates, day)):]

    def first_unpaid(self) -> int | None:
        """The index of the oldest instalment not fully paid (None: all paid)."""
        rows = self.rows
        return next((i for i in range(self._pass_settled(), len(rows))
                     if left_to_pay(rows[i])), None)

    def run(self, book: dict, until: date, state: str) -> str:
        """Repayments (and arrears) from the release until `until` or the loan's end."""
        today = self.ctx.today - timedelta(days=2)
        last = len(self.rows) - 1
        if "months" in book and "paid" not in book:  # active: paying until today
            limit, keep = today, 1
        elif "months" in book:  # in arrears: `paid` instalments, then late
            limit, keep = today, len(self.rows) - book["paid"]
        elif "paid" in book:  # written off after `paid` instalments
            limit, keep = until, len(self.rows) - book["paid"]
        else:  # repaid
            limit, keep = until, 0
        cure_at = self.rng.randrange(1, max(2, last - 2)) if book["cure"] and last > 4 else None
        while True:
            i = self.first_unpaid()
            if i is None or i > last - keep or self.rows[i]["due_on"] > limit:
                break
            due = self.rows[i]["due_on"]
            if i == cure_at and due + timedelta(days=60) <= limit:
                state = self._late_and_cured(i, state)
                continue
            paid_on = min(due + timedelta(days=self.rng.randrange(0, 4)), limit)
            state = self.repay_due(paid_on, state)
        if book.get("paid") is not None and state == "active":
            state = self._arrears(book, state)
        return state

    def owed(self, day: date) -> Position:
        return position(self.terms, self.open_rows(day), day)

    def _late_and_cured(self, i: int, state: str) -> str:
        marked = self.rows[i]["due_on"] + timedelta(days=self.rng.randrange(31, 39))
        state = self.mark(marked, state)
        paid_on = marked + timedelta(days=self.rng.randrange(2, 11))
        return self.repay_due(paid_on, state)

    def _arrears(self, book: dict, state: str) -> str:
        i = self.first_unpaid()
        marked = self.rows[i]["due_on"] + timedelta(days=self.rng.randrange(31, 41))
        state = self.mark(marked, state)
        if "months" in book:  # still in arrears; sometimes a part payment since
            paid_on = marked + timedelta(days=self.rng.randrange(3, 16))
            if self.rng.random() < 0.3 and paid_on < self.ctx.today:
                state = self.repay(paid_on, left_to_pay(self.rows[i]) // 2, state)
            return state
        return self._write_off(marked, state)

    def mark(self, on: date, state: str) -> str:
        """What the daily arrears job does on `on` (mark_arrears, by no one)."""
        late = [r for r in self.open_rows(on)
                if left_to_pay(r) and (on - r["due_on"]).days > GRACE_DAYS]
        ops = self.plan.at(at_work(on, self.rng))
        self.plan.fire(ops, self.plan.last_time, "mark_arrears", None, state, "in_arrears",
                       overdue=[{"number": r["number"], "due_on": r["due_on"].isoformat(),
                                 "unpaid_yen": left_to_pay(r),
                                 "days_overdue": (on - r["due_on"]).days} for r in late])
        return "in_arrears"

    def repay_due(self, on: date, state: str) -> str:
        """A payment of what has fallen due on `on`."""
        owed = self.owed(on)
        return self.repay(on, owed.due, state, owed)

    def repay(self, on: date, amount: int, state: str, owed: Position | None = None) -> str:
        """A payment of what is due at most (workflow.loans.repayments.apply_repayment);
        `owed`: the position on `on` if the caller has it."""
        plan, ctx = self.plan, self.ctx
        if amount < 1:
            return state
        rows = self.open_rows(on)
        outstanding = (owed or position(self.terms, rows, on)).total
        split = allocate(self.terms, rows, on, amount)
        apply_parts(self.terms, rows, split)
        ops = plan.at(at_work(on, self.rng))
        moment = plan.last_time
        repayment_id = ctx.ids.take("repayments")
        officer = self.rng.choice(self.finance)
        reference = f"MUFG-{on:%Y%m%d}-{repayment_id:07d}"
        if amount == outstanding:
            outcome, to_state = "repaid", "repaid"
        elif state == "active":
            outcome, to_state = "still_active", "active"
        elif any(left_to_pay(r) and (on - r["due_on"]).days > GRACE_DAYS for r in rows):
            outcome, to_state = "still_in_arrears", "in_arrears"
        else:
            outcome, to_state = "cured", "active"
        plan.row(ops, "repayments", {
            "id": repayment_id, "application_id": plan.app_id, "received_on": on,
            "amount_yen": amount, "principal_yen": split.principal_yen,
            "interest_yen": split.interest_yen, "damages_yen": split.damages_yen,
            "bank_reference": reference, "recorded_by_id": officer, "created_at": moment})
        by_number = self.by_number
        for part in split.parts:
            plan.row(ops, "repayment_allocations", {
                "id": ctx.ids.take("repayment_allocations"), "repayment_id": repayment_id,
                "instalment_id": by_number[part.number]["id"],
                "principal_yen": part.principal_yen, "interest_yen": part.interest_yen,
                "damages_yen": part.damages_yen})
        memo = f"Repayment {reference} of {plan.reference}"
        for kind, value in (("repayment_damages", split.damages_yen),
                            ("repayment_interest", split.interest_yen),
                            ("repayment_principal", split.principal_yen)):
            if value:
                plan.ledger(ops, kind, value, on, officer, memo, repayment_id=repayment_id)
        plan.fire(ops, moment, "record_repayment", officer, state, to_state, outcome=outcome,
                  repayment={"id": repayment_id, "amount_yen": amount,
                             "received_on": on.isoformat(), "bank_reference": reference,
                             "damages_yen": split.damages_yen,
                             "interest_yen": split.interest_yen,
                             "principal_yen": split.principal_yen,
                             "prepaid_principal_yen": split.prepaid_principal_yen,
                             "instalments": [p.number for p in split.parts]})
        return to_state

    def _write_off(self, marked: date, state: str) -> str:
        plan, rng = self.plan, self.rng
        reason = rng.choice(WRITE_OFFS)
        principal = sum(r["principal_yen"] - r["paid_principal_yen"] for r in self.rows)
        ops = plan.at(at_work(marked + timedelta(days=rng.randrange(10, 60)), rng))
        asked = plan.last_time
        self.loan.update(write_off_requested_by_id=self.finance[0],
                         write_off_requested_at=asked, write_off_reason=reason)
        plan.audit(ops, "write_off_requested", self.finance[0], "application", plan.app_id,
                   {"reference": plan.reference, "reason": reason,
                    "outstanding_principal_yen": principal}, state, state)
        ops = plan.at(at_work(asked.date() + timedelta(days=rng.randrange(3, 20)), rng))
        done = plan.last_time
        plan.ledger(ops, "write_off", principal, done.date(), self.ctx.world.chairs["SME"],
                    f"Write-off of {plan.reference}: {reason}")
        plan.fire(ops, done, "write_off", self.ctx.world.chairs["SME"], state, "written_off",
                  write_off={"principal_yen": principal,
                             "requested_by_id": self.finance[0], "reason": reason})
        return "written_off"
