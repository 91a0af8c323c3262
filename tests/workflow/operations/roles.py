"""A database of its own with the two roles of production, for the roles tests.

Roles belong to the whole PostgreSQL cluster, which two test runs may share: every name
carries a suffix unique to this run, and everything is dropped at the end.
"""

from __future__ import annotations

import contextlib
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from config import TestConfig
from models import db, set_write_intent
from tests.conftest import IsolatedClient
from webui import create_app
from workflow.engine import kept

PROJECT_ROOT = Path(__file__).resolve().parents[3]


@dataclass
class RolesDatabase:
    superuser_url: URL
    owner: str
    login: str
    password: str
    first_run: str = ""  # what `flask db roles` said when it set them up
    folder: Path | None = None  # uploads and anchors of the apps on this database

    def url_as(self, role: str) -> URL:
        return self.superuser_url.set(username=role, password=self.password)

    @property
    def owner_url(self) -> URL:
        return self.url_as(self.owner)

    @property
    def login_url(self) -> URL:
        return self.url_as(self.login)


def app_for(url: URL, tmp_path) -> Flask:
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = url.render_as_string(hide_password=False)
    config.UPLOAD_DIR = str(tmp_path / "uploads")
    config.AUDIT_ANCHOR_DIR = str(tmp_path / "anchors")
    app = create_app(config)
    app.test_client_class = IsolatedClient
    return app


@contextlib.contextmanager
def running(app: Flask) -> Iterator[Flask]:
    """The app's context, with nothing kept from another database's tests."""
    with app.app_context():
        kept.forget_in_every_app()  # ids and revisions restart with every test
        set_write_intent(False)
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


@contextlib.contextmanager
def roles_database(database_url: str) -> Iterator[RolesDatabase]:
    """A new database on the suite's server, and names for its owner and login."""
    suffix = uuid.uuid4().hex[:10]
    server = make_url(database_url)
    name = f"{server.database}_roles_{suffix}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield RolesDatabase(server.set(database=name), f"wnf_owner_{suffix}",
                            f"wnf_app_{suffix}", secrets.token_urlsafe(18))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            for role in (f"wnf_app_{suffix}", f"wnf_owner_{suffix}", f"wnf_super_{suffix}",
                         f"wnf_member_{suffix}"):
                conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()
