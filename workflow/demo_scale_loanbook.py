"""Scale seed: a loan's schedule and the repayments made against it, as the loan book would
record them (workflow.repayments, workflow.arrears).

Instalments fall due monthly from the release. A company pays on or just after the due date,
often several instalments ahead; some are late once, marked in arrears by the daily job and
cured by the next payment; some stop paying and are written off.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from .demo_scale_plan import Context, Plan, at_work
from .repayments import GRACE_DAYS
from .schedule import build_schedule

BUNDLES = (1, 3, 6, 6, 12, 12)  # instalments paid at once (ahead of their due dates)
WRITE_OFFS = ("The venture stopped trading and the guarantor is insolvent.",
              "The company is in liquidation; recovery would cost more than it brings.")


class LoanBook:
    """The schedule drawn at the release, and the repayments made against it."""

    def __init__(self, plan: Plan, ctx: Context, rng: random.Random, loan: dict,
                 released: date, finance: list[int], amount: int):
        self.plan, self.ctx, self.rng, self.finance = plan, ctx, rng, finance
        self.schedule = build_schedule(amount, loan["annual_rate"],
                                       loan["term_months"], loan["method"],
                                       loan["grace_months"], start=released)
        self.loan = loan
        self.rows = []
        for row in self.schedule:
            self.rows.append({"id": ctx.ids.take("instalments"), "application_id": plan.app_id,
                              "number": row.number, "due_on": row.due,
                              "principal_yen": row.principal, "interest_yen": row.interest,
                              "balance_after_yen": row.balance, "paid_principal_yen": 0,
                              "paid_interest_yen": 0, "paid_on": None})

    def summary(self) -> dict:
        """The schedule as generate_schedule records it in the release event."""
        return {"instalments": len(self.schedule),
                "principal_yen": sum(r.principal for r in self.schedule),
                "interest_yen": sum(r.interest for r in self.schedule),
                "first_due": self.schedule[0].due.isoformat(),
                "last_due": self.schedule[-1].due.isoformat()}

    def owed(self, row: dict) -> int:
        """What an instalment still owes, interest included."""
        return (row["principal_yen"] + row["interest_yen"] - row["paid_principal_yen"]
                - row["paid_interest_yen"])

    def first_unpaid(self) -> int | None:
        """The index of the oldest instalment not fully paid (None: all paid)."""
        return next((i for i, r in enumerate(self.rows) if self.owed(r)), None)

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
            size = min(self.rng.choice(BUNDLES), last - keep - i + 1)
            amount = sum(self.owed(r) for r in self.rows[i:i + size])
            paid_on = min(due + timedelta(days=self.rng.randrange(0, 4)), limit)
            state = self.repay(paid_on, amount, state)
        if book.get("paid") is not None and state == "active":
            state = self._arrears(book, state)
        return state

    def _late_and_cured(self, i: int, state: str) -> str:
        marked = self.rows[i]["due_on"] + timedelta(days=self.rng.randrange(31, 39))
        state = self.mark(marked, state)
        paid_on = marked + timedelta(days=self.rng.randrange(2, 11))
        amount = sum(self.owed(r) for r in self.rows if r["due_on"] <= paid_on)
        return self.repay(paid_on, amount, state)

    def _arrears(self, book: dict, state: str) -> str:
        i = self.first_unpaid()
        marked = self.rows[i]["due_on"] + timedelta(days=self.rng.randrange(31, 41))
        state = self.mark(marked, state)
        if "months" in book:  # still in arrears; sometimes a part payment since
            paid_on = marked + timedelta(days=self.rng.randrange(3, 16))
            if self.rng.random() < 0.3 and paid_on < self.ctx.today:
                state = self.repay(paid_on, self.owed(self.rows[i]) // 2, state)
            return state
        return self._write_off(marked, state)

    def mark(self, on: date, state: str) -> str:
        """What the daily arrears job does on `on` (mark_arrears, by no one)."""
        late = [r for r in self.rows if self.owed(r) and (on - r["due_on"]).days > GRACE_DAYS]
        ops = self.plan.at(at_work(on, self.rng))
        self.plan.fire(ops, self.plan.last_time, "mark_arrears", None, state, "in_arrears",
                       overdue=[{"number": r["number"], "due_on": r["due_on"].isoformat(),
                                 "unpaid_yen": self.owed(r),
                                 "days_overdue": (on - r["due_on"]).days} for r in late])
        return "in_arrears"

    def repay(self, on: date, amount: int, state: str) -> str:
        """A repayment: allocated oldest first, interest before principal (apply_repayment)."""
        plan, ctx = self.plan, self.ctx
        outstanding = sum(self.owed(r) for r in self.rows)
        ops = plan.at(at_work(on, self.rng))
        moment = plan.last_time
        repayment_id = ctx.ids.take("repayments")
        officer = self.rng.choice(self.finance)
        reference = f"MUFG-{on:%Y%m%d}-{repayment_id:07d}"
        left, interest, principal, numbers, allocations = amount, 0, 0, [], []
        for row in self.rows:
            if not left:
                break
            pay_i = min(left, row["interest_yen"] - row["paid_interest_yen"])
            left -= pay_i
            pay_p = min(left, row["principal_yen"] - row["paid_principal_yen"])
            left -= pay_p
            if pay_i or pay_p:
                row["paid_interest_yen"] += pay_i
                row["paid_principal_yen"] += pay_p
                if not self.owed(row):
                    row["paid_on"] = on
                interest, principal = interest + pay_i, principal + pay_p
                numbers.append(row["number"])
                allocations.append({"id": ctx.ids.take("repayment_allocations"),
                                    "repayment_id": repayment_id, "instalment_id": row["id"],
                                    "principal_yen": pay_p, "interest_yen": pay_i})
        if amount == outstanding:
            outcome, to_state = "repaid", "repaid"
        elif state == "active":
            outcome, to_state = "still_active", "active"
        elif any(self.owed(r) and (on - r["due_on"]).days > GRACE_DAYS for r in self.rows):
            outcome, to_state = "still_in_arrears", "in_arrears"
        else:
            outcome, to_state = "cured", "active"
        plan.row(ops, "repayments", {"id": repayment_id, "application_id": plan.app_id,
                                     "received_on": on, "amount_yen": amount,
                                     "principal_yen": principal, "interest_yen": interest,
                                     "bank_reference": reference, "recorded_by_id": officer,
                                     "created_at": moment})
        for allocation in allocations:
            plan.row(ops, "repayment_allocations", allocation)
        memo = f"Repayment {reference} of {plan.reference}"
        for kind, value in (("repayment_interest", interest), ("repayment_principal", principal)):
            if value:
                plan.ledger(ops, kind, value, on, officer, memo, repayment_id=repayment_id)
        plan.fire(ops, moment, "record_repayment", officer, state, to_state, outcome=outcome,
                  repayment={"id": repayment_id, "amount_yen": amount,
                             "received_on": on.isoformat(), "bank_reference": reference,
                             "interest_yen": interest, "principal_yen": principal,
                             "instalments": numbers})
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
