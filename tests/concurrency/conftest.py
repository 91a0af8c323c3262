"""Fixtures for the HTTP races: the app served by gunicorn, and browsers that log in to it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from models import User

from ..conftest import PASSWORD
from .serving import Server, served
from .web_client import FlashReader, WebSession, in_parallel

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items) -> None:
    """Mark every test of this folder `concurrency` (`-m "not concurrency"` leaves them out)."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.concurrency)


@pytest.fixture(scope="package")
def web_server(_app, database_url, tmp_path_factory):
    """gunicorn (4 workers on PostgreSQL, 2 on SQLite) on the suite's test database."""
    run_dir = tmp_path_factory.mktemp("gunicorn")
    with served(database_url, secret_key=_app.config["SECRET_KEY"], run_dir=run_dir) as server:
        yield server


@dataclass
class Web:
    """Browsers on the served app, and what its log said during this test."""

    server: Server
    reader: FlashReader
    log_start: int

    def browser(self) -> WebSession:
        return WebSession(self.server.url, self.reader)

    def logged_in(self, users: list[User], secrets: dict[int, str] | None = None
                  ) -> list[WebSession]:
        """One browser per user, each logged in (with its TOTP code when it has a secret)."""
        secrets = secrets or {}
        browsers = [self.browser() for _ in users]
        people = [(u.email, secrets.get(u.id)) for u in users]
        in_parallel([lambda b=b, p=p: b.log_in(p[0], PASSWORD, p[1])
                     for b, p in zip(browsers, people, strict=True)])
        return browsers

    def new_errors(self) -> list[str]:
        """Tracebacks and lost workers logged by gunicorn since the test began."""
        return self.server.errors_logged(since=self.log_start)


@pytest.fixture
def web(app, web_server):
    """The served app for one test (the `app` fixture empties the tables afterwards)."""
    return Web(web_server, FlashReader(app.config["SECRET_KEY"]), web_server.log_size())
