"""Fixtures for operations tests: a second, empty database of the suite's kind."""

import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from config import TestConfig
from webui import create_app


@pytest.fixture
def empty_database(database_url, tmp_path):
    """The URL of a new, empty database of the same kind as the suite's."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    name = f"wnf_restore_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def app_on(url: str, upload_dir):
    """Another app, bound to another database."""
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = url
    config.UPLOAD_DIR = str(upload_dir)
    return create_app(config)
