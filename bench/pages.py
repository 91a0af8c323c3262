"""The main pages at scale: latency in-process, statements per page, requests per second
through gunicorn next to a bare Flask endpoint, a worker's memory, the CSV export's peak.

    python -m bench.pages [--size 100000] [--database-url URL] [--reuse]

The database is filled by `flask demo seed --scale N`'s generator (demo.scale):
N applications with ten years of history. One file gets timeline events up to 30.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, text

from demo import living, scale
from models import Application, AuditEvent, Organisation, User, dated_at, db, write_intent
from workflow.engine import audit, kept
from workflow.files import search

from . import serving
from .common import Stopwatch, counting_statements, fresh_app, save

USER = "secretariat@wnf.example"  # staff, no second factor: sees every panel but the chair's
TIMELINE = 30
DEEP_PAGE = 500


@dataclass
class Scene:
    """The URLs of the pages measured, chosen on the data (untimed)."""

    pages: dict[str, str]
    deep_page: int
    country: str


def seed(app, size: int, upload_dir: str) -> float:
    """The demo records, then `size` generated applications; returns the seconds taken.

    On PostgreSQL the tables are then vacuumed and analysed, as autovacuum soon would on a
    live database: its planner needs the statistics (Japan is a third of the files) to walk
    the sort order's index instead of sorting every Japanese file, and counts read the
    index alone only where the visibility map says the rows are all visible.
    """
    with app.app_context(), Stopwatch() as watch:
        if not db.session.scalar(select(func.count(Application.id))):  # else --reuse
            db.session.rollback()  # that read's transaction: the seed needs a writing one
            with write_intent(True):
                with dated_at(scale.history_start(date.today())):
                    living.seed(date.today(), "development")
                    db.session.commit()
                scale.seed_scale(size, date.today(), upload_dir)
                db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.commit()
            # VACUUM refuses to run inside a transaction block.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as vacuum:
                vacuum.execute(text("VACUUM (ANALYZE)"))
    return watch.seconds


def scene(app) -> Scene:
    """Home, list page 1, the deepest page up to 500 of the biggest country, and a file
    whose timeline is brought up to 30 events."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == USER))
        country, matching = db.session.execute(
            select(Organisation.country_code, func.count(Application.id))
            .join(Application, Application.organisation_id == Organisation.id)
            .group_by(Organisation.country_code).order_by(func.count(Application.id).desc())
        ).first()
        deep = min(DEEP_PAGE, max(1, (matching + 49) // 50))
        filters = search.Filters(country=country)
        cursor = ""
        # The cursor that "Next" on page deep - 1 carries. The count above includes drafts
        # the staff do not see: at a small size the last page may come sooner.
        while deep > 1:
            before = search.page_of(filters, user, 50, offset=(deep - 2) * 50)
            if before.after is not None:
                cursor = f"&page={deep}&after={before.after}"
                break
            deep -= 1
        events = func.count(AuditEvent.seq)
        file_id, count = db.session.execute(
            select(AuditEvent.object_id, events).where(AuditEvent.object_type == "application")
            .group_by(AuditEvent.object_id).order_by(events.desc()).limit(1)).one()
        db.session.rollback()  # the reads above did not take the write lock
        with write_intent(True):
            for n in range(count, TIMELINE):
                audit.record("note", actor=user, object_type="application", object_id=file_id,
                             data={"comment": f"Bench note {n}"})
            db.session.commit()
    return Scene({"home": "/home", "list": "/applications/",
                  "deep": f"/applications/?country={country}{cursor}",
                  "file": f"/applications/{file_id}"}, deep, country)


def logged_in_client(app):
    client = app.test_client()
    response = client.post("/auth/login", data={"email": USER, "password": living.DEMO_PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def statements(app, scene_: Scene) -> dict[str, int]:
    """SQL statements per page, after a first request has warmed the caches of code
    (compiled templates and statements) but with none of the data a worker keeps until a
    revision moves (workflow.engine.kept): as the page runs first after a change, its most."""
    client = logged_in_client(app)
    counts = {}
    with app.app_context():
        engine = db.engine
    for name, url in scene_.pages.items():
        client.get(url)
        kept.forget_all(app)  # as a page first seen after a change
        with counting_statements(engine) as seen:
            assert client.get(url).status_code == 200, url
        counts[name] = len(seen)
    return counts


def latency(app, scene_: Scene, runs: int = 100, *, after_a_change: bool = False
            ) -> dict[str, dict[str, float]]:
    """p50 and p95 in milliseconds of each page, in-process (no network, no server).

    after_a_change: each view as the first after a change, with nothing a worker keeps
    until a revision moves (forgotten before each view, outside the time taken).
    """
    client = logged_in_client(app)
    figures = {}
    for name, url in scene_.pages.items():
        for _ in range(10):
            client.get(url)
        times = []
        for _ in range(runs):
            if after_a_change:
                kept.forget_all(app)
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        times.sort()
        figures[name] = {"p50_ms": round(statistics.median(times), 1),
                         "p95_ms": round(times[int(len(times) * 0.95) - 1], 1)}
    return figures


def run(size: int, database_url: str | None, *, reuse: bool = False, small: int = 1000,
        serve: bool = True) -> dict:
    """Everything at `size` applications, and the statement counts at `small` too.

    The small database is a fresh SQLite file when the big one is SQLite; on PostgreSQL
    it is the same database, filled afresh once the big one has been measured.
    """
    upload_dir = tempfile.mkdtemp(prefix="wnf-bench-uploads-")
    app, url = fresh_app(database_url, keep=reuse)
    seed_seconds = seed(app, size, upload_dir)
    big = scene(app)
    figures = {"database": db_name(url), "applications": size,
               "seed_seconds": round(seed_seconds, 1), "country": big.country,
               "deep_page": big.deep_page, "pages": big.pages,
               "latency": latency(app, big),
               "latency_after_a_change": latency(app, big, after_a_change=True),
               "statements": {}}
    big_counts = statements(app, big)
    if serve:
        figures.update(serving.run(url, big.pages))
    small_app, _ = fresh_app(None if figures["database"] == "sqlite" else url)
    seed(small_app, small, upload_dir)
    figures["statements"] = {str(small): statements(small_app, scene(small_app)),
                             str(size): big_counts}
    save(f"pages_{figures['database']}", figures)
    return figures


def db_name(url: str) -> str:
    return "postgresql" if url.startswith("postgresql") else "sqlite"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--database-url")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the database's rows if it is already filled")
    parser.add_argument("--no-serve", action="store_true", help="in-process figures only")
    args = parser.parse_args()
    print(json.dumps(run(args.size, args.database_url, reuse=args.reuse,
                         serve=not args.no_serve), indent=2))


if __name__ == "__main__":
    main()
