"""The living demo in a database of its own, for the tests that only read it (the demo's
tests, the walks of every page by every demo role).

Seeding the demo takes seconds; each of those modules used to seed it again on the
suite's database, which every other test empties. This database no test empties: a test
that uses it may log in (which writes only the person's session, attempts and second
factor) but must change nothing another test reads.

Under pytest-xdist the demo is seeded once per run rather than once per worker: the first
worker that needs it seeds a template (`seeded_once`) while the others wait, then each
worker works on a copy of its own, database, uploads and audit anchors alike. The copies
are the demo of the same day, seeded minutes earlier at most, as each worker's own seed
would have been. Without xdist the process seeds its own, as before.
"""

from __future__ import annotations

import contextlib
import fcntl
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from config import TestConfig
from models import db
from webui import create_app

from .database import create_database, database_of_its_own, drop_database, is_postgres

SUFFIX = "_demo"
TEMPLATE_SUFFIX = "_demo_template"  # beside the run's database: tests.run_suites drops it
DATABASE_FILE = "wnf-demo.db"
FILE_FOLDERS = ("uploads", "audit-anchors")


@dataclass(frozen=True)
class SeededDemo:
    """A demo seeded once, to be copied: its database and the folder of its files."""

    url: str
    folder: Path


def demo_config(url: str, folder: Path) -> TestConfig:
    """The suite's settings on the demo's database, with its uploads and audit anchors in
    `folder` (FILE_FOLDERS)."""
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = url
    config.UPLOAD_DIR = str(folder / "uploads")
    config.AUDIT_ANCHOR_DIR = str(folder / "audit-anchors")
    return config


def seed(app: Flask) -> None:
    """Migrate the app's database and seed it by `flask demo seed`, as `make run` does."""
    with app.app_context():
        upgrade(revision="heads")
        result = app.test_cli_runner().invoke(args=["demo", "seed"])
        assert result.exit_code == 0, result.output + repr(result.exception)
        db.session.remove()


def template_name(run_url: str) -> str:
    return f"{make_url(run_url).database}{TEMPLATE_SUFFIX}"


def seeded_once(run_url: str, run_folder: Path) -> SeededDemo:
    """The demo of this run, seeded by the first process that asks for it while the others
    wait: on PostgreSQL the database `<run's>_demo_template`, on SQLite a file, its files
    in `run_folder` (which the run's workers share). Nobody connects to it afterwards, so
    any number may copy it at once (a PostgreSQL template must have no connection)."""
    folder = run_folder / "demo-seeded"
    if is_postgres(run_url):
        url = make_url(run_url).set(database=template_name(run_url)).render_as_string(
            hide_password=False)
    else:
        url = f"sqlite:///{folder / DATABASE_FILE}"
    with open(run_folder / "demo-seeded.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # given back when the file closes, or the process ends
        done = run_folder / "demo-seeded.done"
        if not done.exists():  # none seeded yet, or its seed failed half-way
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            if is_postgres(run_url):
                create_database(run_url, template_name(run_url), throwaway=True)
            app = create_app(demo_config(url, folder))
            try:
                seed(app)
            finally:
                with app.app_context():
                    db.engine.dispose()
            done.touch()
    return SeededDemo(url, folder)


def drop_template(run_url: str) -> None:
    """The run's seeded template, if a worker made one (PostgreSQL)."""
    if is_postgres(run_url):
        drop_database(run_url, template_name(run_url))


@contextlib.contextmanager
def demo_database(suite_url: str, folder: Path,
                  copied: SeededDemo | None = None) -> Iterator[str]:
    """A database beside the suite's, empty or a copy of `copied`'s: `<its name>_demo` on
    PostgreSQL (dropped at the end, and by tests.run_suites with the run's own), a file in
    `folder` on SQLite."""
    if not is_postgres(suite_url):
        path = folder / DATABASE_FILE
        folder.mkdir(parents=True, exist_ok=True)
        if copied is not None:
            copy_sqlite(make_url(copied.url).database, path)
        yield f"sqlite:///{path}"
        return
    template = make_url(copied.url).database if copied is not None else None
    with database_of_its_own(suite_url, f"{make_url(suite_url).database}{SUFFIX}",
                             throwaway=True, template=template) as own:
        yield own


def copy_sqlite(source: str, target: Path) -> None:
    """SQLite's own backup: whole pages, committed ones only, whatever its journal holds."""
    with contextlib.closing(sqlite3.connect(source)) as origin, \
            contextlib.closing(sqlite3.connect(target)) as copy:
        origin.backup(copy)


@contextlib.contextmanager
def seeded_demo_app(suite_url: str, folder: Path, client_class,
                    copied: SeededDemo | None = None) -> Iterator[Flask]:
    """An app on the demo database with its own uploads and audit anchors: a copy of
    `copied`'s, else migrated and seeded now."""
    with demo_database(suite_url, folder, copied) as url:
        if copied is not None:
            for name in FILE_FOLDERS:
                if (copied.folder / name).is_dir():
                    shutil.copytree(copied.folder / name, folder / name)
        config = demo_config(url, folder)
        app = create_app(config)
        app.test_client_class = client_class
        app.config_class_instance = config
        try:
            if copied is None:
                seed(app)
            yield app
        finally:
            with app.app_context():
                db.engine.dispose()  # the database can then be dropped
