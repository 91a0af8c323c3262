"""Helpers to race real processes against the real test database."""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable

CTX = multiprocessing.get_context("fork")


def _child(database_url: str, job: Callable, args: tuple, barrier, results) -> None:
    from config import TestConfig
    from models import db, write_intent
    from webui import create_app
    from workflow.engine.errors import DomainError

    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = database_url
    app = create_app(config)
    with app.app_context():
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
         timeout: float = 120) -> list[tuple[str, object]]:
    """Start one process per args tuple; all call job(*args) at the same instant."""
    count = len(args_per_process)
    barrier = CTX.Barrier(count)
    results = CTX.Queue()
    processes = [CTX.Process(target=_child, args=(database_url, job, args, barrier, results))
                 for args in args_per_process]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=timeout) for _ in processes]
    for process in processes:
        process.join(timeout=timeout)
    return outcomes
