"""Transitions per second through the workflow service, next to the same writes in raw SQL.

Both sides do, per transition, in one durable transaction: a compare-and-set
UPDATE of the application, a read of the audit chain head, an INSERT of the
hash-chained audit event, COMMIT — on the same database, in the same run.
The service also locks the row, checks roles and rules and runs the Machine.

Besides the rates, the CPU milliseconds this process spends per transition on each side:
on a host other work keeps busy the rates say more about the host than about the code,
the CPU time much less so. On SQLite it includes the database's own work; on PostgreSQL
the server's is not counted.

    python -m bench.transitions [--count 2000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import json
import statistics
from dataclasses import dataclass
from datetime import date, timedelta

from models import Application, Fund, Organisation, User, db, utcnow, write_intent
from workflow.engine import audit, service
from workflow.engine.audit import event_hash
from workflow.engine.locking import AUDIT_LOCK_KEY
from workflow.engine.request_user import load_signed_in
from workflow.files.applications import create_application

from .common import Stopwatch, fresh_app, save


@dataclass(frozen=True)
class Scene:
    ids: list[int]  # applications in `submitted`, all at the same version
    user_id: int
    version: int
    screening_days: int


def _scene(count: int) -> Scene:
    with write_intent(True):
        fund = Fund(code="WNF", name="WNF", kind="grant")
        org = Organisation(kind="alumni_society", name="Bench society", country_code="TH")
        user = User(email="bench@example.org", name="Bench", password_hash="x")
        user.set_roles(["secretariat"])
        db.session.add_all([fund, org, user])
        db.session.flush()
        ids = []
        for n in range(count):
            application = create_application(fund=fund, organisation=org, title=f"P{n}",
                                              actor=None)
            application.state = "submitted"
            ids.append(application.id)
        db.session.flush()  # the last change of state counts in the version too
        scene = Scene(ids, user.id, application.version, fund.screening_days)
        db.session.commit()
    return scene


def through_service(ids: list[int], user_id: int) -> Stopwatch:
    with Stopwatch() as watch:
        for application_id in ids:
            with write_intent(True):
                # What the login loader runs on every request (its prebuilt statement: the
                # user, roles, organisation and unread count at once), not an ORM option
                # built afresh for each transition, which no request pays for.
                user, _unread = load_signed_in(user_id)
                application = db.session.get(Application, application_id)
                service.fire(application, "start_screening", user)
                db.session.commit()
            db.session.expunge_all()  # each transition as a fresh request would see it
    return watch


def through_raw_sql(ids: list[int], scene: Scene) -> Stopwatch:
    """The same writes by hand on a raw DBAPI connection: the floor of what is possible."""
    engine = db.engine
    postgres = engine.dialect.name == "postgresql"
    raw = engine.raw_connection()
    cursor = raw.cursor()
    mark = "%s" if postgres else "?"
    with Stopwatch() as watch:
        for application_id in ids:
            if not postgres:
                cursor.execute("BEGIN IMMEDIATE")
            now, user_id = utcnow(), scene.user_id
            due_on = date.today() + timedelta(days=scene.screening_days)
            # The columns the service's compare-and-set writes: state, version, both
            # timestamps and the due date of the new state.
            cursor.execute(
                f"UPDATE applications SET state = 'screening', version = version + 1, "
                f"state_changed_at = {mark}, updated_at = {mark}, due_on = {mark} "
                f"WHERE id = {mark} AND state = 'submitted' AND version = {mark}",
                (now, now, due_on, application_id, scene.version))
            assert cursor.rowcount == 1
            if postgres:
                cursor.execute(f"SELECT pg_advisory_xact_lock({mark})", (AUDIT_LOCK_KEY,))
            cursor.execute("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")
            seq, prev = cursor.fetchone()
            data = {"reference": str(application_id), "workflow": "grant",
                    "workflow_version": 1}
            digest = event_hash(seq + 1, now, user_id, "start_screening", "application",
                                application_id, "submitted", "screening", data, prev)
            cursor.execute(
                "INSERT INTO audit_events (seq, occurred_at, actor_id, action, object_type, "
                "object_id, from_state, to_state, data, prev_hash, hash) VALUES "
                f"({', '.join([mark] * 11)})",
                (seq + 1, now, user_id, "start_screening", "application", application_id,
                 "submitted", "screening", json.dumps(data), prev, digest))
            raw.commit()
    cursor.close()
    raw.close()
    return watch


def run(count: int, database_url: str | None, rounds: int = 5) -> dict:
    """Alternate raw SQL and service rounds on the same database; report the medians."""
    app, url = fresh_app(database_url)
    with app.app_context():
        scene = _scene(count)
        ids, user_id = scene.ids, scene.user_id
        size = len(ids) // (2 * rounds)
        service_runs, raw_runs = [], []
        for n in range(rounds):
            chunk = ids[2 * n * size:(2 * n + 2) * size]
            raw_runs.append(through_raw_sql(chunk[:size], scene))
            service_runs.append(through_service(chunk[size:], user_id))
        verified = audit.verify()
        assert verified.ok, str(verified)
        backend = db.engine.dialect.name
    service_rate = statistics.median(size / run.seconds for run in service_runs)
    raw_rate = statistics.median(size / run.seconds for run in raw_runs)
    service_cpu = statistics.median(run.cpu_seconds * 1000 / size for run in service_runs)
    raw_cpu = statistics.median(run.cpu_seconds * 1000 / size for run in raw_runs)
    figures = {
        "database": backend,
        "transitions": size * rounds,
        "service_per_second": round(service_rate, 1),
        "raw_sql_per_second": round(raw_rate, 1),
        "ratio": round(service_rate / raw_rate, 3),
        "goal_ratio": 0.25,
        "service_cpu_ms": round(service_cpu, 3),
        "raw_sql_cpu_ms": round(raw_cpu, 3),
        "cpu_ratio": round(raw_cpu / service_cpu, 3),
    }
    save(f"transitions_{backend}", figures)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    figures = run(args.count, args.database_url)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
