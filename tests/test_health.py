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
