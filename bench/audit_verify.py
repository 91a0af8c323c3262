"""`flask audit verify` on a chain of 1,000,000 events (goal: under 10 seconds).

    python -m bench.audit_verify [--events 1000000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import json
from datetime import timedelta

from sqlalchemy import insert

from models import AuditEvent, db, utcnow, write_intent
from workflow.engine import audit
from workflow.engine.audit import GENESIS_HASH, event_hash

from .common import Stopwatch, fresh_app, save

ACTIONS = ("submit", "start_screening", "refer_to_committee", "vote_cast", "decide",
           "ledger.commitment", "release_tranche")


def fill(events: int, batch: int = 20_000) -> None:
    """Append a valid chain of `events` events quickly, in batches."""
    prev, start = GENESIS_HASH, utcnow()
    rows = []
    with write_intent(True):
        conn = db.session.connection()
        for seq in range(1, events + 1):
            values = {
                "seq": seq, "occurred_at": start + timedelta(milliseconds=seq),
                "actor_id": None, "action": ACTIONS[seq % len(ACTIONS)],
                "object_type": "application", "object_id": seq // 10,
                "from_state": "screening", "to_state": "committee_review",
                "data": {"reference": f"WNF-2027-{seq // 10:04d}", "workflow": "grant",
                         "workflow_version": 1},
                "prev_hash": prev,
            }
            values["hash"] = prev = event_hash(**values)
            rows.append(values)
            if len(rows) == batch:
                conn.execute(insert(AuditEvent.__table__), rows)
                rows = []
        if rows:
            conn.execute(insert(AuditEvent.__table__), rows)
        db.session.commit()


def run(events: int, database_url: str | None) -> dict:
    app, _ = fresh_app(database_url)
    with app.app_context():
        with Stopwatch() as filling:
            fill(events)
        db.session.rollback()
        with write_intent(False), Stopwatch() as verifying:
            result = audit.verify()
        db.session.rollback()
        assert result.ok and result.count == events, str(result)
        backend = db.engine.dialect.name
    figures = {"database": backend, "events": events,
               "verify_seconds": round(verifying.seconds, 2),
               "events_per_second": round(events / verifying.seconds),
               "fill_seconds": round(filling.seconds, 1), "goal_seconds": 10}
    save(f"audit_verify_{backend}", figures)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    print(json.dumps(run(args.events, args.database_url), indent=2))


if __name__ == "__main__":
    main()
