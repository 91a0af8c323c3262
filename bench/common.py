"""Shared set-up for the benchmarks: a fresh database and an app bound to it."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from flask_migrate import upgrade

from config import TestConfig
from webui import create_app

RESULTS = Path(__file__).with_name("results.json")

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests' helpers
# Statements counted as the tests' query counts count them.
from tests.statements import counting_statements  # noqa: E402, F401


def fresh_app(database_url: str | None = None, keep: bool = False):
    """An app on a new, migrated database: a SQLite file in a temporary folder by default.

    keep: migrate the database given without emptying it first (to reuse its rows).
    """
    from tests.database import reset_schema

    url = database_url or os.environ.get("BENCH_DATABASE_URL") or (
        f"sqlite:///{tempfile.mkdtemp(prefix='wnf-bench-')}/bench.db")
    if not keep:
        reset_schema(url)
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = url
    app = create_app(config)
    with app.app_context():
        upgrade(revision="heads")
    return app, url


class Stopwatch:
    """Wall-clock seconds, and the seconds of CPU this process spent meanwhile (on SQLite the
    database's work too; a busy host stretches the first far more than the second)."""

    def __enter__(self):
        self.start, self.cpu_start = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
        self.cpu_seconds = time.process_time() - self.cpu_start


def save(section: str, figures: dict) -> None:
    """Merge one benchmark's figures into bench/results.json."""
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results[section] = figures
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")


@contextlib.contextmanager
def own_database(kind: str, keep: bool = False) -> Iterator[str]:
    """The URL of an empty database of the benchmark's own, removed at the end, also after a
    failure: a SQLite file in a temporary folder, or on the PostgreSQL server the suite uses
    (tests.run_suites) a database named wnf_bench_<pid>_<random>, made and dropped as the
    suite makes and drops its own (tests.database). keep: leave it in place after a success
    (a failure still removes it), to measure it again without filling it again."""
    if kind == "sqlite":
        folder = tempfile.mkdtemp(prefix="wnf-bench-")
        kept = False
        try:
            yield f"sqlite:///{folder}/bench.db"
            kept = keep
        finally:
            if not kept:
                shutil.rmtree(folder, ignore_errors=True)
        return
    from tests.database import create_database, database_of_its_own, drop_database
    from tests.run_suites import postgres_server_url

    server, name = postgres_server_url(), f"wnf_bench_{os.getpid()}_{secrets.token_hex(4)}"
    if not keep:
        with database_of_its_own(server, name) as url:
            yield url
        return
    url = create_database(server, name)
    try:
        yield url
    except BaseException:
        drop_database(server, name)
        raise
