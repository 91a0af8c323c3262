"""Per-address limits on the login forms (Flask-Limiter).

Counted in Redis when REDIS_URL is set, so that every gunicorn worker and host
shares the count; else in the memory of each process. The account lock-out
(workflow.security) is counted in the database and holds either way.
"""

from __future__ import annotations

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from ..transactions import READ_ONLY_METHODS

limiter = Limiter(key_func=get_remote_address)


@limiter.request_filter
def _reading() -> bool:
    """Pages that only read skip the limiter's check: every limit here is on POST (the
    login forms), and the check cost every page as much as its notifications count."""
    return request.method in READ_ONLY_METHODS


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _switched_off() -> bool:
    return not current_app.config.get("LOGIN_RATE_LIMIT_ENABLED", True)


# One budget per address for the password and the code steps together.
login_limit = limiter.shared_limit(_login_limit, scope="login", methods=["POST"],
                                   exempt_when=_switched_off)
