"""Settings: production refuses what is unsafe."""

import importlib

import pytest
from cryptography.fernet import Fernet

import config

PRODUCTION_KEY = Fernet.generate_key().decode()


@pytest.fixture
def fresh_config(monkeypatch):
    def load(**env):
        for name in ("WNF_ENV", "SECRET_KEY", "DATABASE_URL", "FLASK_DEBUG", "DEBUG",
                     "TOTP_ENCRYPTION_KEYS", "REDIS_URL", "RATELIMIT_KEY_PREFIX"):
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
                          DATABASE_URL="postgresql+psycopg://db/wnf",
                          TOTP_ENCRYPTION_KEYS=PRODUCTION_KEY)
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
    module = fresh_config(WNF_ENV="production", SECRET_KEY="s" * 48,
                          TOTP_ENCRYPTION_KEYS=PRODUCTION_KEY)
    with pytest.warns(UserWarning, match="SQLite"):
        module.Config()


# Named by ids: the key is made anew in each process, and pytest-xdist's workers must
# give each case the same name.
@pytest.mark.parametrize("keys, complaint", [
    (None, "must be set in production"),
    (config.DEV_TOTP_ENCRYPTION_KEY, "not the development key"),
    (f"{PRODUCTION_KEY},{config.DEV_TOTP_ENCRYPTION_KEY}", "not the development key"),
    ("not-a-key", "key 1 is not a Fernet key"),
    (f"{PRODUCTION_KEY} short", "key 2 is not a Fernet key"),
], ids=["unset", "development key", "development key second", "not a key", "short second key"])
def test_production_refuses_missing_development_or_malformed_totp_keys(fresh_config, keys,
                                                                        complaint):
    env = {"WNF_ENV": "production", "SECRET_KEY": "s" * 48,
           "DATABASE_URL": "postgresql+psycopg://db/wnf"}
    if keys:
        env["TOTP_ENCRYPTION_KEYS"] = keys
    module = fresh_config(**env)
    with pytest.raises(module.ConfigError, match="TOTP_ENCRYPTION_KEYS") as refusal:
        module.Config()
    assert complaint in str(refusal.value)


def test_development_seals_with_the_development_key_unless_told_otherwise(fresh_config):
    assert fresh_config().Config().TOTP_ENCRYPTION_KEYS == (config.DEV_TOTP_ENCRYPTION_KEY,)
    newer = Fernet.generate_key().decode()
    module = fresh_config(TOTP_ENCRYPTION_KEYS=f" {newer}, {PRODUCTION_KEY} ")
    assert (newer, PRODUCTION_KEY) == module.Config().TOTP_ENCRYPTION_KEYS


@pytest.mark.parametrize("redis_url, workers, refused", [
    ("", 4, True),
    ("", 1, False),
    ("redis://127.0.0.1:6379/0", 4, False),
])
def test_production_refuses_login_limits_counted_per_worker(fresh_config, redis_url, workers,
                                                            refused):
    env = {"WNF_ENV": "production", "SECRET_KEY": "s" * 48,
           "DATABASE_URL": "postgresql+psycopg://db/wnf", "TOTP_ENCRYPTION_KEYS": PRODUCTION_KEY}
    if redis_url:
        env["REDIS_URL"] = redis_url
    settings = fresh_config(**env).Config()
    if refused:
        with pytest.raises(config.ConfigError, match="REDIS_URL"):
            settings.check_workers(workers)
    else:
        settings.check_workers(workers)


def test_development_may_count_login_limits_per_worker(fresh_config):
    fresh_config().Config().check_workers(4)  # a developer's several workers: no refusal
