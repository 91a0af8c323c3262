"""Two writers whose files share a kept revision's stripe never deadlock (PostgreSQL, real
processes).

A vote moves its file's revision and stripe before it records its event; a writer already
holding the audit chain's lock then moves the same stripe for another file. Were the stripe
locked before the chain, each would wait for the other and PostgreSQL would kill one of them
(a 500 seen under the Locust day). Every writer takes the chain's lock before a stripe, so
the second simply waits for the first.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from models import FILE_LIST_STRIPES, db, write_intent
from tests.conftest import file_changed
from workflow.engine import audit

from .racing import CTX, led_process, next_step, until_true

FILE = 1
SAME_STRIPE = FILE + FILE_LIST_STRIPES
WAITING_ON_A_LOCK = text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")


def _voter(go_on):
    """A vote's transaction: the file's revision and stripe moved, then, when told, its event."""
    def work(results) -> None:
        file_changed(FILE)
        results.put(("moved", None))
        go_on.wait(timeout=60)
        audit.record("vote_cast", actor=None, object_type="ballot", object_id=FILE)
    return work


def _other_file(results) -> None:
    """An event of another file in the same stripe: the chain's lock, then the stripe."""
    audit.record("test_transition", actor=None, object_type="application",
                 object_id=SAME_STRIPE)


def test_two_writers_of_one_stripe_wait_in_turn_and_both_commit(app, database_url, on_postgres):
    if not on_postgres:
        pytest.skip("SQLite has one writer at a time whatever the rows")
    with write_intent(True):
        file_changed(FILE)  # the stripe's row exists before the race
        db.session.commit()

    voter, other = CTX.Queue(), CTX.Queue()
    voter_goes_on = CTX.Event()
    processes = [led_process(database_url, _voter(voter_goes_on), voter),
                 led_process(database_url, _other_file, other)]
    processes[0].start()
    next_step(voter, "moved")
    processes[1].start()
    until_true(WAITING_ON_A_LOCK, "the second writer never waited for the first")
    voter_goes_on.set()
    next_step(voter, "committed")
    next_step(other, "committed")
    for process in processes:
        process.join(timeout=60)
