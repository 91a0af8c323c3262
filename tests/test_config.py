"""Settings: production refuses what is unsafe."""

import importlib

import pytest

import config


@pytest.fixture
def fresh_config(monkeypatch):
    def load(**env):
        for name in ("WNF_ENV", "SECRET_KEY", "DATABASE_URL", "FLASK_DEBUG", "DEBUG"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return importlib.reload(config)

    yield load
    monkeypatch.undo()
    importlib.reload(config)


@pytest.mark.parametrize("secret", [None, "dev-only-change-me", "too-short"])
def test_production_refuses_a_missing_default_or_weak_secret_key(fresh_config, secret):
    env = {"WNF_ENV": "production"}
    if secret:
        env["SECRET_KEY"] = secret
    module = fresh_config(**env)
    with pytest.raises(module.ConfigError, match="SECRET_KEY"):
        module.Config()


def test_production_accepts_a_real_secret_and_secures_cookies(fresh_config):
    module = fresh_config(WNF_ENV="production", SECRET_KEY="s" * 48,
                          DATABASE_URL="postgresql+psycopg://db/wnf")
    settings = module.Config()
    assert settings.SESSION_COOKIE_SECURE and settings.SESSION_COOKIE_HTTPONLY


def test_an_unknown_environment_is_refused(fresh_config):
    module = fresh_config(WNF_ENV="staging")
    with pytest.raises(module.ConfigError, match="WNF_ENV"):
        module.Config()


def test_the_default_database_is_sqlite_in_the_instance_folder(fresh_config):
    module = fresh_config()
    from webui import create_app

    app = create_app(module.Config())
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("/instance/wnf.db")
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")


def test_production_refuses_debug(fresh_config):
    module = fresh_config(WNF_ENV="production", SECRET_KEY="s" * 48, FLASK_DEBUG="1",
                          DATABASE_URL="postgresql+psycopg://db/wnf")
    with pytest.raises(module.ConfigError, match="DEBUG"):
        module.Config()


def test_production_on_sqlite_warns(fresh_config):
    module = fresh_config(WNF_ENV="production", SECRET_KEY="s" * 48)
    with pytest.warns(UserWarning, match="SQLite"):
        module.Config()
