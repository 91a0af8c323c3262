"""Scenes for the HTTP races, and the money counted independently of workflow/ledger.py.

Scenes are set through the workflow functions in the test's own process (write transaction,
commit), then the races go through the served app. The independent count reads the raw
ledger rows with its own connection: it shares no code with `ledger.balances`.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass

import pyotp
from sqlalchemy import create_engine, text

from models import Application, Fund, Tranche, User, db, utcnow, write_intent
from workflow.money import ledger, tranches

CASH_IN = ("donation", "refund", "repayment_principal", "repayment_interest")


def with_totp(user: User) -> str:
    """Enrol the user for two-factor login (as the enrolment page would) and return the secret.

    Set on the row rather than through `security.enrol_totp`, which marks the current
    time step as used: the login that follows within 30 seconds would be refused as a replay.
    """
    secret = pyotp.random_base32()
    user.totp_secret, user.totp_enrolled_at = secret, utcnow()
    db.session.commit()
    return secret


def _write(work):
    db.session.commit()
    with write_intent(True):
        result = work()
        db.session.commit()
    return result


def give_cash(fund: Fund, amount_yen: int) -> None:
    """A donation booked in the fund's ledger."""
    _write(lambda: ledger.post(ledger.lock_fund(fund), "donation", amount_yen, actor=None,
                               memo="Donation for the race"))


def approve_with_commitment(application: Application, amount_yen: int) -> Application:
    """Put an application in `approved` with its money reserved, as the chair's decision does."""
    def work():
        application.state, application.approved_yen = "approved", amount_yen
        application.submitted_at = application.submitted_at or application.created_at
        db.session.flush()
        ledger.reserve(application, amount_yen, None)
    _write(work)
    return application


def request_tranche(application: Application, amount_yen: int, officer: User) -> Tranche:
    return _write(lambda: tranches.request_tranche(application, amount_yen, officer))


def independent_sums(database_url: str, fund_id: int) -> dict[str, int]:
    """The fund's ledger totals by kind, summed here from the raw rows (own connection)."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT kind, amount_yen FROM ledger_entries "
                                     "WHERE fund_id = :fund"), {"fund": fund_id}).all()
    finally:
        engine.dispose()
    sums: dict[str, int] = defaultdict(int)
    for kind, amount in rows:
        sums[kind] += int(amount)
    return dict(sums)


def cash_and_committed(sums: dict[str, int]) -> tuple[int, int]:
    cash = sum(sums.get(k, 0) for k in CASH_IN) - sums.get("disbursement", 0)
    committed = (sums.get("commitment", 0) - sums.get("commitment_release", 0)
                 - sums.get("disbursement", 0))
    return cash, committed


@dataclass
class Watch:
    samples: int = 0
    lowest_available: int | None = None
    lowest_cash: int | None = None


class LedgerWatcher:
    """Samples the fund's cash and available balance from another connection during a race.

    A committed state in which available < 0 would be seen here, however briefly it lasted.
    """

    def __init__(self, database_url: str, fund_id: int, every: float = 0.01) -> None:
        self.database_url, self.fund_id, self.every = database_url, fund_id, every
        self.watch = Watch()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        engine = create_engine(self.database_url)
        query = text("SELECT kind, COALESCE(SUM(amount_yen), 0) FROM ledger_entries "
                     "WHERE fund_id = :fund GROUP BY kind")
        try:
            with engine.connect() as conn:
                while not self._stop.is_set():
                    sums = {k: int(v) for k, v in conn.execute(query, {"fund": self.fund_id})}
                    conn.rollback()  # a fresh snapshot for the next sample
                    cash, committed = cash_and_committed(sums)
                    self._note(cash, cash - committed)
                    time.sleep(self.every)
        finally:
            engine.dispose()

    def _note(self, cash: int, available: int) -> None:
        watch = self.watch
        watch.samples += 1
        if watch.lowest_available is None or available < watch.lowest_available:
            watch.lowest_available = available
        if watch.lowest_cash is None or cash < watch.lowest_cash:
            watch.lowest_cash = cash

    def __enter__(self) -> Watch:
        self._thread.start()
        return self.watch

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
