"""Random lives of SME loans through the real workflow service — releases, payments on time,
late, partial and early, payoffs, cancellations of the undrawn part, the arrears job — whose
ledger equals the oracle's independent reckoning (tests/workflow/loans/oracle.py) to the yen."""

import contextlib
import random
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from models import Application, LedgerEntry, db
from workflow.engine import service
from workflow.engine.errors import TransitionRefused
from workflow.loans import undrawn
from workflow.money import fund_totals, ledger, tranches

from .conftest import act, owed_on
from .oracle import OracleLoan

# Weighted by repetition: mostly months passing and instalments paid, now and then late,
# partly, early or all at once, a further release, a cancellation, the arrears job.
STEPS = (("wait",) * 6 + ("pay_due",) * 5 + ("release", "release", "pay_part", "pay_part",
         "prepay", "prepay", "arrears_job", "arrears_job", "cancel", "wait_long", "payoff"))


RATES, DAMAGES = ("6", "12", "1.5", "15", "0"), ("14.6", "21.9", "0")
METHODS, MODES = ("annuity", "equal_principal"), ("lower_instalment", "shorter_term")


@st.composite
def loan_lives(draw):
    """A life for Hypothesis: the terms, the first day and the steps."""
    term = draw(st.integers(2, 18))
    return {
        "terms": {"amount": draw(st.integers(10, 300)) * 10_000,
                  "rate": draw(st.sampled_from(RATES)), "term": term,
                  "grace": draw(st.integers(0, min(3, term - 1))),
                  "method": draw(st.sampled_from(METHODS)),
                  "damages": draw(st.sampled_from(DAMAGES)),
                  "prepayment": draw(st.sampled_from(MODES))},
        "start": date(2024, 1, 1) + timedelta(days=draw(st.integers(0, 365))),
        "steps": draw(st.lists(st.tuples(st.sampled_from(STEPS), st.integers(1, 1000)),
                               min_size=10, max_size=30)),
    }


def seeded_life(seed: int) -> dict:
    """The same kind of life from a seeded generator: longer, and the same on every run."""
    rng = random.Random(seed)
    term = rng.randint(2, 24)
    return {
        "terms": {"amount": rng.randint(10, 300) * 10_000, "rate": rng.choice(RATES),
                  "term": term, "grace": rng.randint(0, min(3, term - 1)),
                  "method": rng.choice(METHODS), "damages": rng.choice(DAMAGES),
                  "prepayment": rng.choice(MODES)},
        "start": date(2024, 1, 1) + timedelta(days=rng.randint(0, 365)),
        "steps": [(rng.choice(STEPS), rng.randint(1, 1000)) for _ in range(40)],
    }


def _ledger_of(application):
    return [(e.kind, e.amount_yen, e.booked_on) for e in db.session.scalars(
        select(LedgerEntry).where(LedgerEntry.application_id == application.id)
        .order_by(LedgerEntry.id))]


def _state(application) -> str:
    db.session.expire_all()
    return db.session.get(Application, application.id).state


class Life:
    """One loan driven through the service, the oracle keeping its own book beside it."""

    def __init__(self, make_loan, people, terms, start):
        self.people, self.day = people, start
        self.app = make_loan("contracted", amount=terms["amount"], rate=terms["rate"],
                             term=terms["term"], grace=terms["grace"], method=terms["method"],
                             damages=terms["damages"], prepayment=terms["prepayment"],
                             approved_on=start)
        self.oracle = OracleLoan(terms["amount"], Fraction(terms["rate"]),
                                 Fraction(Decimal(terms["damages"])), terms["term"],
                                 terms["grace"], terms["method"],
                                 terms["prepayment"] == "shorter_term")
        self.oracle.approve(start)
        self.references = 0

    @property
    def undrawn(self) -> int:
        return self.oracle.approved - self.oracle.released - self.oracle.cancelled

    def release(self, share: int) -> None:
        matured = self.oracle.start and self.day >= self.oracle.due(self.oracle.term)
        if self.undrawn <= 0 or matured or _state(self.app) not in ("contracted", "active"):
            return
        amount = max(1, self.undrawn * share // 1000)
        tranche = act(tranches.request_tranche, self.app, amount, self.people.finance)
        act(service.fire, self.app, "release_tranche", self.people.finance2,
            tranche_id=tranche.id, today=self.day)
        self.oracle.release(amount, self.day)

    def cancel(self, share: int) -> None:
        if _state(self.app) not in undrawn.CANCELLABLE_STATES or self.undrawn <= 0:
            return
        amount = max(1, self.undrawn * share // 1000)
        if not self.oracle.released and amount == self.undrawn:
            amount -= 1  # the whole loan before a release is the file's cancel
        if amount < 1:
            return
        proposal = act(undrawn.propose_cancellation, self.app, self.people.finance, amount,
                       "The company scaled the project down.")
        act(undrawn.confirm_cancellation, self.app, proposal.id, self.people.finance2,
            today=self.day)
        self.oracle.cancel_undrawn(amount, self.day)

    def pay(self, amount: int) -> None:
        if amount < 1 or _state(self.app) not in ("active", "in_arrears"):
            return
        self.references += 1
        act(service.fire, self.app, "record_repayment", self.people.finance,
            amount_yen=amount, received_on=self.day, today=self.day,
            bank_reference=f"REF-{self.references}")
        self.oracle.pay(amount, self.day)

    def step(self, name: str, value: int) -> None:
        if name in ("wait", "wait_long"):
            self.day += timedelta(days=value % (90 if name == "wait_long" else 25) + 1)
        elif name == "release":
            self.release(value)
        elif name == "cancel":
            self.cancel(value)
        elif self.oracle.start is None:
            return
        elif name == "arrears_job":
            with contextlib.suppress(TransitionRefused):  # not late, or not active
                act(service.fire, self.app, "mark_arrears", None, today=self.day)
        elif name == "pay_due":
            self.pay(self.oracle.due_now(self.day))
        elif name == "pay_part":
            self.pay(self.oracle.outstanding(self.day) * value // 1000)
        elif name == "prepay":
            due = self.oracle.due_now(self.day)  # reckons the days up to today first
            self.pay(due + self.oracle.balance() * value // 2000)
        elif name == "payoff":
            self.pay(self.oracle.outstanding(self.day))


def live(sme, make_loan, people, life) -> Life:
    act(ledger.post, sme.fund, "donation", life["terms"]["amount"], actor=None,
        memo="For this loan")
    loan = Life(make_loan, people, life["terms"], life["start"])
    loan.step("release", 1 + life["steps"][0][1] % 1000)
    for name, value in life["steps"]:
        loan.step(name, value)
    return loan


def assert_books_agree(loan: Life) -> None:
    assert _ledger_of(loan.app) == loan.oracle.ledger
    assert fund_totals.differences() == []  # the SME fund's kept totals, to the yen
    if _state(loan.app) not in ("repaid", "written_off"):
        assert owed_on(loan.app, loan.day) == loan.oracle.outstanding(loan.day)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(life=loan_lives())
def test_a_random_life_books_what_the_oracle_reckons(sme, make_loan, people, life):
    assert_books_agree(live(sme, make_loan, people, life))


@pytest.mark.parametrize("seed", range(12))
def test_a_seeded_life_books_what_the_oracle_reckons(sme, make_loan, people, seed):
    loan = live(sme, make_loan, people, seeded_life(seed))
    assert_books_agree(loan)
