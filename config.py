"""Application settings, read from the environment (and a .env file if present).

`Config` serves development and production; `TestConfig` the test suite. Every
setting is documented in docs/configuration.md.
"""

import os
import warnings
from datetime import timedelta

from dotenv import load_dotenv

load_dotenv()

DEFAULT_SECRET_KEY = "dev-only-change-me"  # noqa: S105 - refused in production
# Seals the TOTP secrets of development, test and demo databases; refused in production.
DEV_TOTP_ENCRYPTION_KEY = "1DHdZIaEtMaj1BnPbBgpEEbYkjU4u2FBdFlk6xSgLjE="  # noqa: S105


def _flag(name: str, default: str = "0") -> bool:
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


def _keys(value: str) -> tuple[str, ...]:
    """Keys separated by commas or spaces, in order."""
    return tuple(key for key in value.replace(",", " ").split() if key)


class ConfigError(RuntimeError):
    """A setting that makes it unsafe to start the application."""


class Config:
    WNF_ENV = os.environ.get("WNF_ENV", "development")
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    # None means: the SQLite file wnf.db in the instance folder (resolved by create_app).
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or None
    # No pool_pre_ping: on PostgreSQL a pooled connection the server has ended is found
    # without a round trip (models.base.ended_by_server); SQLite has no server.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR") or None
    # Where `flask audit checkpoint` appends the chain's anchors: a place the database (and
    # whoever can only reach the database) cannot change. None: instance/audit-anchors.
    AUDIT_ANCHOR_DIR = os.environ.get("AUDIT_ANCHOR_DIR") or None
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(12 * 1024 * 1024)))
    SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", "30000"))
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _flag("MAIL_USE_TLS")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "wnf-workflow@localhost")
    # Where users reach the app: the links of the emails written by a command (the digest).
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://localhost:5000")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    # Sessions end after this long without a request, and this long after login whatever
    # happens; the remember-me cookie lives no longer than a session may (webui/auth).
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
    SESSION_MAX_HOURS = int(os.environ.get("SESSION_MAX_HOURS", "12"))
    REMEMBER_COOKIE_DURATION = timedelta(hours=SESSION_MAX_HOURS)

    # Fernet keys sealing the TOTP secrets at rest, newest first (models.sealing).
    TOTP_ENCRYPTION_KEYS = _keys(os.environ.get("TOTP_ENCRYPTION_KEYS", "")) or (
        DEV_TOTP_ENCRYPTION_KEY,)

    # Per-address budget of failed login POSTs (Flask-Limiter), shared by every worker and
    # host through Redis when REDIS_URL is set; else counted in each process's memory,
    # which production refuses with more than one worker (check_workers). The waits per
    # account and address are counted in the database whatever this says.
    REDIS_URL = os.environ.get("REDIS_URL", "")
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "30 per 15 minutes")
    # How long `flask api purge` keeps the answers of Idempotency-Keys (a key older than this
    # acts again) and the webhook deliveries that are done (delivered, or failed for good).
    API_ANSWER_DAYS = int(os.environ.get("API_ANSWER_DAYS", "7"))
    WEBHOOK_DELIVERY_DAYS = int(os.environ.get("WEBHOOK_DELIVERY_DAYS", "90"))
    LOGIN_RATE_LIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "wnf")
    # Redis down: count in memory meanwhile rather than refuse every login (the lock-out
    # counted in the database still holds).
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True

    # The JSON API (webui/api): its OpenAPI document is generated from the code by
    # flask-smorest. No CORS header is sent unless origins are listed here (comma-separated).
    API_TITLE = "WNF Workflow API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.1.0"
    API_CORS_ORIGINS = tuple(o.strip() for o in os.environ.get("API_CORS_ORIGINS", "").split(",")
                             if o.strip())

    def __init__(self) -> None:
        if self.WNF_ENV not in {"development", "production", "test"}:
            raise ConfigError(
                f"WNF_ENV must be development, production or test, not {self.WNF_ENV!r}."
            )
        if self.WNF_ENV == "production":
            if not self.SECRET_KEY or self.SECRET_KEY == DEFAULT_SECRET_KEY:
                raise ConfigError("SECRET_KEY must be set to a secret value in production.")
            if len(self.SECRET_KEY) < 32:
                raise ConfigError("SECRET_KEY must be at least 32 characters in production.")
            if _flag("FLASK_DEBUG") or _flag("DEBUG"):
                raise ConfigError("DEBUG must be off in production: it would show tracebacks.")
            database = self.SQLALCHEMY_DATABASE_URI or "sqlite"
            if database.startswith("sqlite"):
                warnings.warn("Production on SQLite: fine for one host, but several gunicorn "
                              "workers queue on its single writer; use PostgreSQL to scale.",
                              stacklevel=2)
            self.SESSION_COOKIE_SECURE = True
            self.REMEMBER_COOKIE_SECURE = True
        self._check_totp_keys()

    def _check_totp_keys(self) -> None:
        """Every key a Fernet key; in production, set and not the development key."""
        from cryptography.fernet import Fernet

        keys = self.TOTP_ENCRYPTION_KEYS
        if self.WNF_ENV == "production" and DEV_TOTP_ENCRYPTION_KEY in keys:
            raise ConfigError("TOTP_ENCRYPTION_KEYS must be set in production to keys of your "
                              "own, not the development key (docs/configuration.md).")
        for position, key in enumerate(keys, start=1):
            try:
                Fernet(key)
            except ValueError:
                raise ConfigError(f"TOTP_ENCRYPTION_KEYS: key {position} is not a Fernet key "
                                  "(32 bytes in URL-safe base64).") from None

    @property
    def is_production(self) -> bool:
        return self.WNF_ENV == "production"

    @property
    def limits_counted_in_memory(self) -> bool:
        """Whether the login budget lives in each process's own memory (not shared)."""
        return self.RATELIMIT_STORAGE_URI.startswith("memory://")

    def check_workers(self, workers: int) -> None:
        """Refuse, in production, a per-process login budget that several workers would
        each count alone (N workers, N times the limit)."""
        if self.is_production and workers > 1 and self.limits_counted_in_memory:
            raise ConfigError(
                f"{workers} workers would each count the login limits in their own memory: "
                "set REDIS_URL so that they share one count (docs/deploy.md), or run one "
                "worker.")


class TestConfig(Config):
    __test__ = False  # not a pytest test class

    WNF_ENV = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite:///:memory:"
    WTF_CSRF_ENABLED = False  # tests that check CSRF switch it back on
    LOGIN_RATE_LIMIT_ENABLED = False  # tests that check the per-address limit switch it on
