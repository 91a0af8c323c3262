"""The per-address budget of the login forms (Flask-Limiter), against floods of attempts.

Counted in Redis (REDIS_URL), so that every gunicorn worker and host shares the count;
without it, in the memory of each process, which production refuses with more than one
worker (config.Config.check_workers, from gunicorn.conf.py). The waits that grow per
account and address are counted in the database (workflow.people.throttle) and hold either way.

Only failed or refused attempts use the budget: a right password or code does not, so
fifty colleagues behind one office address all log in. An account's usual address
(one it completed a login from) is exempt: a flood from a shared address never keeps
the owner out.
"""

from __future__ import annotations

from flask import current_app, g, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from workflow.people import security

from ..transactions import READ_ONLY_METHODS

limiter = Limiter(key_func=get_remote_address)

PENDING = "pending_login"  # the session's half-logged-in user between password and code


@limiter.request_filter
def _reading() -> bool:
    """Pages that only read skip the limiter's check: every limit of the pages is on POST
    (the login forms), and the check cost every page as much as its notifications count.
    The API's reads are checked: a token is tried on every request (webui.api.tokens)."""
    return request.method in READ_ONLY_METHODS and not request.path.startswith("/api/")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _switched_off() -> bool:
    return not current_app.config.get("LOGIN_RATE_LIMIT_ENABLED", True)


def _attempted_email() -> str | None:
    """Whose login this POST is: the typed email, or the half-logged-in user's."""
    if request.endpoint == "auth.login":
        return request.form.get("email") or None
    pending = session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    ident = str(pending.get("user", "")).partition(":")[0]
    return security.email_of(int(ident)) if ident.isdigit() and len(ident) < 10 else None


def _exempt() -> bool:
    if _switched_off():
        return True
    email = _attempted_email()
    return email is not None and security.address_known(email, request.remote_addr)


def step_passed() -> None:
    """Called by a view whose password or code was right: the attempt is not deducted."""
    g.login_step_passed = True


def _failed_or_refused(_response) -> bool:
    return not g.get("login_step_passed", False)


# One budget per address for the password and the code steps together.
login_limit = limiter.shared_limit(_login_limit, scope="login", methods=["POST"],
                                   exempt_when=_exempt, deduct_when=_failed_or_refused)
