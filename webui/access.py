"""The one place that decides who may reach which endpoint.

Every view declares its audience with `@public`, `@signed_in` or
`@roles(...)`; an endpoint that declares nothing is denied to everyone. Object
rules (which application a user may see) live in workflow/permissions.py.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, abort, request
from flask_login import current_user

from .extensions import login_manager

PUBLIC = "public"
SIGNED_IN = "signed_in"
# The JSON API's endpoints: a personal access token authenticates them, never the session
# (webui.api.tokens checks it and the roles each operation names).
API_TOKEN = "api_token"


def public(view: Callable) -> Callable:
    """Anyone, logged in or not."""
    view.access = PUBLIC
    return view


def signed_in(view: Callable) -> Callable:
    """Any active user who is logged in."""
    view.access = SIGNED_IN
    return view


def api_token(view: Callable) -> Callable:
    """An endpoint of the JSON API: its token, not the session, decides (webui.api)."""
    view.access = API_TOKEN
    return view


def roles(*allowed: str) -> Callable[[Callable], Callable]:
    """Logged-in users holding at least one of the roles."""

    def decorate(view: Callable) -> Callable:
        view.access = frozenset(allowed)
        return view

    return decorate


def access_table(app: Flask) -> dict[str, str | frozenset[str] | None]:
    """Every endpoint and what it declares (None: nothing, hence denied)."""
    return {
        endpoint: (PUBLIC if endpoint == "static" else getattr(view, "access", None))
        for endpoint, view in app.view_functions.items()
    }


def may_reach(rule, user) -> bool:
    if rule == PUBLIC:
        return True
    if rule is None or rule == API_TOKEN or not user.is_authenticated:
        return False
    return rule == SIGNED_IN or user.has_role(*rule)


def register(app: Flask) -> None:
    @app.before_request
    def _enforce_access():
        if request.endpoint is None or request.endpoint == "static":
            return None  # unknown URLs fall through to the 404 handler
        rule = getattr(app.view_functions[request.endpoint], "access", None)
        if rule in (PUBLIC, API_TOKEN):
            return None
        if rule is not None and not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not may_reach(rule, current_user):
            abort(403)
        return None
