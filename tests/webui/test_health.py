"""Health checks for supervisors and load balancers."""

from sqlalchemy import text

from models import db


def test_healthz_is_ok_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "checks": {"database": "ok",
                                                              "migrations": "at head"}}
    assert client.get("/readyz").status_code == 200


def test_healthz_says_503_when_migrations_are_behind(app, client):
    db.session.commit()
    with db.engine.begin() as conn:
        (version,) = conn.execute(text("SELECT version_num FROM alembic_version")).one()
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    try:
        response = client.get("/healthz")
        assert response.status_code == 503
        assert "flask db upgrade" in response.get_json()["checks"]["migrations"]
    finally:
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": version})


def test_healthz_says_503_when_postgresql_is_unreachable():
    """Nothing reaches for the database before the check does (a page that only reads
    sets up its connection first, but not this one, and not when the database is down):
    the probe answers, with the reason."""
    from config import TestConfig
    from webui import create_app

    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://postgres@127.0.0.1:9/none"
    config.SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": {"connect_timeout": 2}}
    client = create_app(config).test_client()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"].startswith("unreachable")
    # A page that needs no data (the login form) is still served, as it was.
    assert client.get("/auth/login").status_code == 200


def test_pages_go_on_when_postgresql_has_ended_the_pooled_connections(
        app, client, login_as, on_postgres):
    """A restart (or an operator) ends every connection the workers keep. The next page
    is served on a fresh one: the pool finds an ended connection when it hands it out,
    without asking the server, and replaces them all."""
    import pytest

    if not on_postgres:
        pytest.skip("SQLite has no server to end a connection")
    login_as("secretariat")
    assert client.get("/applications/").status_code == 200
    db.session.commit()
    kept = db.engine.pool.checkedin()
    assert kept >= 1
    import time

    import psycopg

    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as operator:  # not one of the pool's
        ended = operator.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND backend_type = 'client backend'").fetchone()[0]
        for _ in range(100):  # the backends end a moment after they are told to
            if not operator.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                    ).fetchone()[0]:
                break
            time.sleep(0.02)
    assert ended >= kept
    for page in ("/applications/", "/home", "/healthz"):
        assert client.get(page).status_code == 200, page
