"""/healthz and /readyz: for the process supervisor and the load balancer (no login)."""

from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from models import db

from .access import public
from .transactions import own_connection

bp = Blueprint("health", __name__)


# The heads the code expects, per migrations folder: they cannot change while the process
# runs, and a probe should not read the migration scripts again each time.
_code_heads: dict[str, frozenset[str]] = {}


def _migration_heads() -> frozenset[str]:
    migrate = current_app.extensions["migrate"]
    if migrate.directory not in _code_heads:
        config = migrate.migrate.get_config(migrate.directory)
        _code_heads[migrate.directory] = frozenset(ScriptDirectory.from_config(config).get_heads())
    return _code_heads[migrate.directory]


def _check() -> tuple[dict, bool]:
    checks: dict[str, str] = {}
    healthy = True
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            current = set(MigrationContext.configure(conn).get_current_heads())
        checks["database"] = "ok"
        heads = _migration_heads()
        if current == heads:
            checks["migrations"] = "at head"
        else:
            healthy = False
            checks["migrations"] = (f"database at {sorted(current) or 'nothing'}, code expects "
                                    f"{sorted(heads)}: run `flask db upgrade`")
    except Exception as error:  # the database is down or unreachable
        healthy = False
        checks["database"] = f"unreachable: {type(error).__name__}"
    return checks, healthy


@bp.route("/healthz")
@public
@own_connection
def healthz():
    checks, healthy = _check()
    return jsonify(status="ok" if healthy else "unhealthy", checks=checks), (
        200 if healthy else 503)


@bp.route("/readyz")
@public
@own_connection
def readyz():
    """Ready to take traffic: the same checks; a proxy stops routing here on 503."""
    checks, healthy = _check()
    return jsonify(status="ready" if healthy else "not ready", checks=checks), (
        200 if healthy else 503)
