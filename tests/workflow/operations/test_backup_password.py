"""pg_dump and pg_restore get the database password through their environment: a command
line can be read by every user of the host (ps, /proc/*/cmdline)."""

import subprocess

import pytest
from sqlalchemy.engine import make_url

from models import db
from workflow.operations import backup

from .conftest import app_on

PASSWORD = "only-in-the-environment"  # noqa: S105


@pytest.mark.parametrize("url", [
    f"postgresql+psycopg://wnf:{PASSWORD}@db.example:5432/wnf?sslmode=require",
    f"postgresql+psycopg://wnf@db.example/wnf?password={PASSWORD}",
])
def test_the_connection_string_holds_no_password(url):
    connection, env = backup.libpq_connection(make_url(url))
    assert PASSWORD not in connection and connection.startswith("postgresql://wnf@db.example")
    assert env["PGPASSWORD"] == PASSWORD


def test_without_a_password_none_is_invented(monkeypatch):
    monkeypatch.delenv("PGPASSWORD", raising=False)
    _, env = backup.libpq_connection(make_url("postgresql+psycopg://wnf@db.example/wnf"))
    assert "PGPASSWORD" not in env


def test_backup_and_restore_never_put_the_password_on_a_command_line(
        app, on_postgres, database_url, empty_database, tmp_path, monkeypatch):
    if not on_postgres:
        pytest.skip("pg_dump and pg_restore serve PostgreSQL; SQLite is copied in-process")
    commands = []
    real_run = subprocess.run

    def watched(args, **kwargs):
        commands.append((args, kwargs.get("env") or {}))
        return real_run(args, **kwargs)

    monkeypatch.setattr(backup.subprocess, "run", watched)
    with_password = make_url(database_url).set(password=PASSWORD)  # the server trusts us
    source = app_on(with_password.render_as_string(hide_password=False), tmp_path / "u1")
    with source.app_context():
        result = source.test_cli_runner().invoke(args=["backup", "create", "--out",
                                                       str(tmp_path / "b")])
        assert result.exit_code == 0, result.output
        db.engine.dispose()
    target_url = make_url(empty_database).set(password=PASSWORD)
    target = app_on(target_url.render_as_string(hide_password=False), tmp_path / "u2")
    with target.app_context():
        result = target.test_cli_runner().invoke(args=["backup", "restore", str(tmp_path / "b")])
        assert result.exit_code == 0, result.output
        db.session.remove()
        db.engine.dispose()
    assert [args[0] for args, _ in commands] == ["pg_dump", "pg_restore"]
    for args, env in commands:
        assert not any(PASSWORD in arg for arg in args), args
        assert env["PGPASSWORD"] == PASSWORD
