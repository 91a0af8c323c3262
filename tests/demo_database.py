"""The living demo, seeded once per test process in a database of its own, for the tests
that only read it (the demo's tests, the walks of every page by every demo role).

Seeding the demo takes seconds; each of those modules used to seed it again on the
suite's database, which every other test empties. This database no test empties: a test
that uses it may log in (which writes only the person's session, attempts and second
factor) but must change nothing another test reads.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from config import TestConfig
from models import db
from webui import create_app

from .database import database_of_its_own, is_postgres

SUFFIX = "_demo"


@contextlib.contextmanager
def demo_database(suite_url: str, folder: Path) -> Iterator[str]:
    """An empty database beside the suite's: `<its name>_demo` on PostgreSQL (dropped at the
    end, and by tests.run_suites with the run's own), a file in `folder` on SQLite."""
    if not is_postgres(suite_url):
        yield f"sqlite:///{folder / 'wnf-demo.db'}"
        return
    with database_of_its_own(suite_url, f"{make_url(suite_url).database}{SUFFIX}",
                             throwaway=True) as own:
        yield own


@contextlib.contextmanager
def seeded_demo_app(suite_url: str, folder: Path, client_class) -> Iterator[Flask]:
    """An app on the demo database, migrated and seeded by `flask demo seed` as `make run`
    seeds it, with its own uploads and audit anchors."""
    with demo_database(suite_url, folder) as url:
        config = TestConfig()
        config.SQLALCHEMY_DATABASE_URI = url
        config.UPLOAD_DIR = str(folder / "uploads")
        config.AUDIT_ANCHOR_DIR = str(folder / "audit-anchors")
        app = create_app(config)
        app.test_client_class = client_class
        app.config_class_instance = config
        try:
            with app.app_context():
                upgrade(revision="heads")
                result = app.test_cli_runner().invoke(args=["demo", "seed"])
                assert result.exit_code == 0, result.output + repr(result.exception)
                db.session.remove()
            yield app
        finally:
            with app.app_context():
                db.engine.dispose()  # the database can then be dropped
