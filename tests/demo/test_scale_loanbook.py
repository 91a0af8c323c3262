"""The scale seed's loan book passes over the settled instalments; its figures must be those
of a book that reckons every instalment from the release at every step."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, timedelta
from types import SimpleNamespace

from demo.scale_loanbook import LoanBook
from demo.scale_loans import script
from demo.scale_plan import Context, Ids, Plan
from workflow.loans.accrual import left_to_pay
from workflow.loans.lending_law import DEFAULT_DAMAGES_RATE

TODAY = date(2026, 12, 7)
FINALS = ("active", "in_arrears", "repaid", "written_off")


class ReplayBook(LoanBook):
    """The reference: every row read at every step, as the loan workflow reads the schedule."""

    def open_rows(self, day: date) -> list:
        return self.rows

    def first_unpaid(self) -> int | None:
        return next((i for i, r in enumerate(self.rows) if left_to_pay(r)), None)


def _book_of(cls: type[LoanBook], number: int) -> tuple[LoanBook, Plan, str]:
    """Loan `number` of a random stream, its terms and repayment story drawn as demo.scale_loans
    draws them, run through `cls`; returns the book, the plan and the final state."""
    rng = random.Random(number)
    final = FINALS[number % len(FINALS)]
    steps = script(rng, final)
    terms, (until, _, book) = steps[0][2], steps[-1]
    released = TODAY - timedelta(days=until + rng.uniform(3, 10))
    loan = {"annual_rate": terms["rate"], "damages_rate": DEFAULT_DAMAGES_RATE,
            "term_months": terms["term"], "grace_months": terms["grace"],
            "method": terms["method"],
            "prepayment_mode": rng.choice(("lower_instalment", "shorter_term"))}
    first = dict.fromkeys(("instalments", "repayments", "repayment_allocations"), 1)
    ctx = Context(SimpleNamespace(chairs={"SME": 7}), Ids(first), TODAY,
                  datetime.combine(TODAY, datetime.min.time()), date(2017, 4, 1))
    plan = Plan(1, "SME-2020-0001", "loan", 2, "SME")
    plan.at(datetime.combine(released, datetime.min.time()))
    loanbook = cls(plan, ctx, rng, loan, released, [3, 4], terms["amount"])
    state = loanbook.run(book, released + timedelta(days=until), "active")
    return loanbook, plan, state


def test_the_book_of_open_rows_writes_the_yen_of_a_full_replay():
    outcomes, damages = Counter(), 0
    for number in range(100):
        fast, fast_plan, fast_state = _book_of(LoanBook, number)
        slow, slow_plan, slow_state = _book_of(ReplayBook, number)
        assert fast_state == slow_state, number
        assert fast.rows == slow.rows, number
        assert fast_plan.moments == slow_plan.moments, number
        assert fast.loan == slow.loan, number
        for _, ops in fast_plan.moments:
            for op in ops:
                if op[0] == "audit" and op[1] == "record_repayment":
                    outcomes[op[-1]["outcome"]] += 1
                    damages += op[-1]["repayment"]["damages_yen"]
        outcomes[fast_state] += 1
    # The stories compared took every turn: late payments bearing damages, cures, arrears
    # still open, loans repaid and loans written off.
    assert damages > 0
    assert {"still_active", "cured", "still_in_arrears", "repaid", "written_off",
            "in_arrears", "active"} <= set(outcomes)
