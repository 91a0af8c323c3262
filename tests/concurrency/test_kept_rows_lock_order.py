"""Two writers of one kept row never deadlock (PostgreSQL, real processes).

A hook after each flush adds a written application to its row of `application_totals`, and
a written tranche to its file's row of `release_totals`. Were such a row locked before the
audit chain's lock, a writer that went on to record its event would wait for the chain
while a second writer, holding the chain already, waited for the row: PostgreSQL would
kill one of them. Every writer of a kept row takes the chain's lock first, so the second
simply waits for the first, and both commit.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from models import Application, Tranche, db, utcnow, write_intent
from workflow.engine import audit

from .racing import CTX, led_process, next_step, until_true

WAITING_ON_A_LOCK = text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")


def _approve(application_id: int, _officer_id: int, _number: int) -> None:
    """A file's approved yen written through the ORM (its application_totals row moves, and
    the country_year_totals and round_application_totals rows rolled up from it)."""
    application = db.session.get(Application, application_id)
    application.approved_yen = (application.approved_yen or 0) + 100_000
    db.session.flush()


def _tranche(application_id: int, officer_id: int, number: int) -> None:
    """A tranche requested on the file (its release_totals row moves)."""
    db.session.add(Tranche(application_id=application_id, number=number,
                           amount_yen=10_000, state="requested", requested_by_id=officer_id,
                           requested_at=utcnow()))
    db.session.flush()


def _first(write, application_id: int, officer_id: int, go_on):
    """Writes the kept row, then, when told, records its event."""
    def work(results) -> None:
        write(application_id, officer_id, 1)
        results.put(("written", None))
        go_on.wait(timeout=60)
        audit.record("test_transition", actor=None, object_type="application",
                     object_id=application_id)
    return work


def _second(write, application_id: int, officer_id: int):
    """Records an event (the chain's lock), then writes the same kept row."""
    def work(results) -> None:
        audit.record("test_transition", actor=None, object_type="application",
                     object_id=application_id)
        write(application_id, officer_id, 2)
    return work


@pytest.mark.parametrize("write", [_approve, _tranche], ids=["application_totals",
                                                             "release_totals"])
def test_two_writers_of_one_kept_row_wait_in_turn_and_both_commit(
        app, database_url, on_postgres, make_application, make_org, make_user, write):
    if not on_postgres:
        pytest.skip("SQLite has one writer at a time whatever the rows")
    organisation = make_org()
    # Two files counted in one application_totals row (same organisation, kind, round and
    # year); the tranches are both on the first.
    first, second = (make_application("grant", state="approved", organisation=organisation)
                     for _ in range(2))
    officer = make_user("finance_officer")
    with write_intent(True):
        for application in (first, second):
            application.approved_yen = 1_000_000
        db.session.commit()
    second_file = second.id if write is _approve else first.id

    leader, follower = CTX.Queue(), CTX.Queue()
    go_on = CTX.Event()
    processes = [led_process(database_url, _first(write, first.id, officer.id, go_on), leader),
                 led_process(database_url, _second(write, second_file, officer.id), follower)]
    processes[0].start()
    next_step(leader, "written")
    processes[1].start()
    until_true(WAITING_ON_A_LOCK, "the second writer never waited for the first")
    go_on.set()
    next_step(leader, "committed")
    next_step(follower, "committed")
    for process in processes:
        process.join(timeout=60)
