"""Who is calling the API: the personal access token in `Authorization: Bearer …`.

The session cookie never authenticates the API (a page's cookie sent along is ignored), and
a token never authenticates the pages (they read only the cookie). A token that reads may
only GET; writes need a read-write token. Failed tokens use the same per-address budget as
failed logins (webui.auth.limits), so guessing tokens is as slow as guessing passwords.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, abort, g, request
from flask_babel import gettext as _
from werkzeug.exceptions import Unauthorized

from models import User
from workflow.people import api_tokens

from ..access import API_TOKEN
from ..auth.limits import limiter
from ..problems import API_PREFIX
from ..request_log import remember_signed_in_user
from ..transactions import READ_ONLY_METHODS


def api_roles(*allowed: str) -> Callable[[Callable], Callable]:
    """The roles an API operation is for (any of them); others are answered 403."""

    def decorate(view: Callable) -> Callable:
        view.api_roles = frozenset(allowed)
        return view

    return decorate


def caller() -> User:
    """The user whose token authenticated this API request."""
    return g.api_user


def _failed_authentication(response) -> bool:
    return response.status_code == 401


def _budget() -> str:
    from flask import current_app

    return current_app.config["LOGIN_RATE_LIMIT"]


def _switched_off() -> bool:
    from flask import current_app

    return not current_app.config.get("LOGIN_RATE_LIMIT_ENABLED", True)


# One budget per address for every API request whose token was refused.
token_limit = limiter.shared_limit(_budget, scope="api-token", exempt_when=_switched_off,
                                   deduct_when=_failed_authentication)


def authenticate() -> None:
    """Before an API operation: find the token's user, or answer 401/403."""
    from flask import current_app

    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or getattr(view, "access", None) != API_TOKEN:
        return
    scheme, _space, secret = request.headers.get("Authorization", "").partition(" ")
    token = api_tokens.authenticate(secret.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        raise Unauthorized(_("Send a valid personal access token: Authorization: Bearer "
                             "<token>. Make one on your profile page."))
    g.api_user, g.api_token = token.user, token  # a refusal below is audited as theirs
    remember_signed_in_user(token.user)  # the log line's user; answers are not cached
    if request.method not in READ_ONLY_METHODS and token.scope != "write":
        abort(403, _("This token may only read; make a read-and-write token to change "
                     "anything."))
    allowed = getattr(view, "api_roles", None)
    if allowed is not None and not token.user.has_role(*allowed):
        abort(403, _("Your roles do not allow this operation."))
    api_tokens.note_use(token)


def register(app: Flask) -> None:
    app.before_request(authenticate)

    @app.after_request
    def _cors(response):
        origins = app.config.get("API_CORS_ORIGINS") or ()
        origin = request.headers.get("Origin")
        if origin and origin in origins and request.path.startswith(API_PREFIX):
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Vary"] = "Origin"
        return response
