"""A ledger entry whose transaction commits after a later one is still checked by the
incremental audit verification (PostgreSQL, real processes).

A checkpoint remembers the last ledger entry it matched, and the next check matches only
the entries after it. Were ids drawn before the chain's lock, a transaction holding a
lower id could commit after a checkpoint that covers a higher one, and its entry would
never be checked but by `--full`. ledger.post takes the chain's lock before the id, so
the second booking waits for the first, and every entry is matched by some check.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from models import Fund, LedgerEntry, db, write_intent
from workflow.engine import audit, verifying
from workflow.money import ledger

from .racing import CTX, led_process, next_step, until_true

WAITING_ON_THE_CHAIN = text(
    "SELECT count(*) FROM pg_stat_activity "
    "WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'")


def _first(fund_id: int, go_on):
    """A transition's transaction: its event first (the chain's lock taken), then, when
    told, its ledger entry."""
    def work(results) -> None:
        audit.record("test_transition", actor=None, object_type="thing", object_id=1)
        results.put(("locked", None))
        go_on.wait(timeout=60)
        results.put(("booked", ledger.post(db.session.get(Fund, fund_id), "donation", 1_000,
                                           actor=None, memo="first").id))
    return work


def _second(fund_id: int, go_on):
    """A booking that comes while the first holds the chain, and is held before its
    commit once booked."""
    def work(results) -> None:
        results.put(("booked", ledger.post(db.session.get(Fund, fund_id), "donation", 2_000,
                                           actor=None, memo="second").id))
        go_on.wait(timeout=60)
    return work


@pytest.mark.parametrize("second_fund", ["SME", "WNF"])
def test_an_entry_committed_after_a_later_one_is_still_checked(app, database_url,
                                                               on_postgres, make_fund,
                                                               second_fund):
    """Into another fund, the second booking would have drawn the lower id and committed
    last; into the same fund (one kept total), the two would have deadlocked."""
    if not on_postgres:
        pytest.skip("SQLite has one writer at a time: its transactions commit in id order")
    fund, other = make_fund("WNF"), make_fund(second_fund)
    with write_intent(True):
        ledger.post(fund, "donation", 5_000, actor=None, memo="Before the race")
        db.session.commit()
    before = verifying.verify(None, full=True, by="test")
    assert before.ok and before.entries == 1

    first, second = CTX.Queue(), CTX.Queue()
    first_goes_on, second_commits = CTX.Event(), CTX.Event()
    processes = [led_process(database_url, _first(fund.id, first_goes_on), first),
                 led_process(database_url, _second(other.id, second_commits), second)]
    processes[0].start()
    next_step(first, "locked")
    processes[1].start()
    # the second booking waits for the first's transaction
    until_true(WAITING_ON_THE_CHAIN, "the second booking never waited for the chain's lock")
    first_goes_on.set()
    next_step(first, "booked")
    next_step(first, "committed")
    next_step(second, "booked")  # and is in flight, holding the chain, when the check runs
    meanwhile = verifying.verify(None, by="test")
    second_commits.set()
    next_step(second, "committed")
    for process in processes:
        process.join(timeout=60)

    after = verifying.verify(None, by="test")
    assert meanwhile.ok and after.ok, (str(meanwhile), str(after))
    db.session.rollback()
    entries = db.session.scalar(select(func.count()).select_from(LedgerEntry))
    assert entries == 3
    # Every entry matched by one check or another: none slipped behind a checkpoint.
    assert (before.entries, meanwhile.entries, after.entries) == (1, 1, 1)
