"""Helpers to race real processes against the real test database."""

from __future__ import annotations

import functools
import multiprocessing
import time
import traceback
from collections.abc import Callable

from flask import Flask

from config import TestConfig
from models import db, write_intent
from webui import create_app
from workflow.engine.errors import DomainError

CTX = multiprocessing.get_context("fork")
RACE_TIMEOUT_S = 120  # how long a race waits for its racers' outcomes


@functools.cache
def _app_for(database_url: str) -> Flask:
    """An app of its own for the racers on this database, built once in the test process
    and never used there: each racer is forked with it already built, as a server's workers
    are forked from one loaded app, instead of building it anew in every racer.

    On SQLite the racers queue for the write lock as long as the race waits for them, not
    the product's busy timeout: that is sized for a server's few warm workers, whereas here
    up to fifty fresh processes, each compiling its statements while it holds the lock,
    share two cores with the rest of the suite, and the last of them waited past it."""
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = database_url
    config.SQLITE_BUSY_TIMEOUT_MS = RACE_TIMEOUT_S * 1000
    return create_app(config)


def _child(app: Flask, job: Callable, args: tuple, barrier, results) -> None:
    with app.app_context():
        db.engine.dispose(close=False)  # connections of its own, none inherited
        try:
            barrier.wait(timeout=60)
            with write_intent(True):
                outcome = job(*args)
                db.session.commit()
            results.put(("ok", outcome))
        except DomainError as refusal:
            db.session.rollback()
            results.put(("refused", str(refusal)))
        except Exception:  # reported to the test, which fails on it
            db.session.rollback()
            results.put(("error", traceback.format_exc()))
        finally:
            db.engine.dispose()


def race(database_url: str, job: Callable, args_per_process: list[tuple],
         timeout: float = RACE_TIMEOUT_S) -> list[tuple[str, object]]:
    """Start one process per args tuple; all call job(*args) at the same instant."""
    count = len(args_per_process)
    barrier = CTX.Barrier(count)
    results = CTX.Queue()
    app = _app_for(database_url)
    processes = [CTX.Process(target=_child, args=(app, job, args, barrier, results))
                 for args in args_per_process]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=timeout) for _ in processes]
    for process in processes:
        process.join(timeout=timeout)
    return outcomes


def _led(app: Flask, work: Callable, results) -> None:
    with app.app_context():
        db.engine.dispose(close=False)  # connections of its own, none inherited
        try:
            with write_intent(True):
                work(results)
                db.session.commit()
            results.put(("committed", None))
        except Exception as error:  # reported to the test, which fails on it
            results.put(("error", repr(error)))
        finally:
            db.engine.dispose()


def led_process(database_url: str, work: Callable, results):
    """A racer the test leads step by step: `work(results)` in one write transaction, telling
    the test where it is through `results`, then ("committed", None) or ("error", why)."""
    return CTX.Process(target=_led, args=(_app_for(database_url), work, results))


def next_step(results, expected: str, timeout: float = 60):
    """The value of a led racer's next message, which must be `expected`."""
    kind, value = results.get(timeout=timeout)
    assert kind == expected, (kind, value)
    return value


def until_true(query, failure: str, seconds: float = 60) -> None:
    """Poll the database until `query` (a count) is non-zero, e.g. a racer waiting on a lock."""
    for _ in range(int(seconds * 10)):
        with db.engine.connect() as conn:
            if conn.scalar(query):
                return
        time.sleep(0.1)
    raise AssertionError(failure)
