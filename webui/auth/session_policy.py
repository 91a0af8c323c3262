"""The session policy every request passes: timeouts, the two-factor gate, refused pages.

The login time and the last-seen time live in the signed session cookie (no
server-side session state). The browser drops that cookie when it closes; a
session that Flask-Login then restores from the remember-me cookie gets the
times back from a companion cookie signed with the app's secret, so that the
idle and absolute limits hold for it too. A session whose times cannot be
known is ended.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta

from flask import current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import Forbidden

from models import User, db
from models.i18n import N_
from workflow.people import security

from .. import i18n
from ..access import PUBLIC
from ..errors import render_error
from ..problems import is_api_request
from . import bp

log = logging.getLogger(__name__)

LOGIN_AT, SEEN_AT, MFA, REMEMBER = "login_at", "seen_at", "mfa", "remember"
TIMES_COOKIE = "wnf_session_times"
SEEN_PRECISION_SECONDS = 60  # last-seen moves by whole minutes: fewer Set-Cookie headers
EXPIRED = N_("Your session has expired; please log in again.")
NEEDS_SECOND_FACTOR = N_("Your roles now require two-factor login; please log in again.")


def begin(user: User, *, remember: bool, second_factor: bool) -> None:
    """Log the user in on a fresh session (nothing from before the login survives)."""
    old_remember_cookie = _remember_cookie_name() in request.cookies
    clear_keeping_language()
    login_user(user, remember=remember)
    if not remember and old_remember_cookie:
        session["_remember"] = "clear"  # Flask-Login then deletes the stale cookie
    now = int(time.time())
    session.update({LOGIN_AT: now, SEEN_AT: now, MFA: second_factor, REMEMBER: remember})


def end() -> None:
    """Log out this browser: the session and the remember-me cookie go (the language
    chosen with the switch stays, for the login page that follows)."""
    clear_keeping_language()
    logout_user()  # after clear(): it marks the remember-me cookie for deletion


def clear_keeping_language() -> None:
    """Empty the session but for the language picked with the switch, which says nothing
    of who is logged in."""
    chosen = session.get(i18n.SESSION_KEY)
    session.clear()
    if chosen is not None:
        session[i18n.SESSION_KEY] = chosen


def _remember_cookie_name() -> str:
    return current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")


def _limits() -> tuple[timedelta, timedelta]:
    config = current_app.config
    return (timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
            timedelta(hours=config["SESSION_MAX_HOURS"]))


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="wnf-session-times")


def _times_from_cookie() -> list | None:
    try:
        value = _signer().loads(request.cookies.get(TIMES_COOKIE, ""))
    except BadData:
        return None
    return value if isinstance(value, list) and len(value) == 4 else None


def _not_a_page() -> bool:
    """Static files, and the API: a token authenticates it, so a login cookie sent along
    neither ends nor prolongs the page session (webui.api.tokens)."""
    return request.endpoint in (None, "static") or is_api_request()


@bp.before_app_request
def _enforce_session_policy():
    if _not_a_page() or not current_user.is_authenticated:
        return None
    if LOGIN_AT not in session:  # restored from the remember-me cookie
        times = _times_from_cookie()
        if times and times[0] == current_user.get_id():
            session.update({LOGIN_AT: times[1], SEEN_AT: times[2], MFA: times[3],
                            REMEMBER: True})
    now = time.time()
    idle, maximum = _limits()
    reason = security.session_expiry(session.get(LOGIN_AT), session.get(SEEN_AT), now,
                                     idle=idle, maximum=maximum)
    message = EXPIRED
    if reason is None and not session.get(MFA) and security.requires_second_factor(
            current_user):
        message = NEEDS_SECOND_FACTOR  # e.g. a money role granted since this login
        reason = "second factor"
    if reason is None:
        if now - session[SEEN_AT] >= SEEN_PRECISION_SECONDS:
            session[SEEN_AT] = int(now)
        return None
    end()
    flash(_(message), "warning")
    if getattr(current_app.view_functions[request.endpoint], "access", None) == PUBLIC:
        return None
    target = request.full_path if request.method == "GET" else None
    return redirect(url_for("auth.login", next=target))


@bp.after_app_request
def _keep_times_for_remember_me(response):
    if request.endpoint == "static" or is_api_request():
        return response
    if current_user.is_authenticated and session.get(REMEMBER) and LOGIN_AT in session:
        value = [current_user.get_id(), session[LOGIN_AT], session[SEEN_AT],
                 bool(session.get(MFA))]
        if _times_from_cookie() != value:
            _, maximum = _limits()
            config = current_app.config
            response.set_cookie(
                TIMES_COOKIE, _signer().dumps(value), path="/", httponly=True,
                expires=datetime.fromtimestamp(session[LOGIN_AT], UTC) + maximum,
                secure=config.get("REMEMBER_COOKIE_SECURE", False),
                samesite=config.get("REMEMBER_COOKIE_SAMESITE", "Lax"))
    elif TIMES_COOKIE in request.cookies and not current_user.is_authenticated:
        response.delete_cookie(TIMES_COOKIE, path="/")
    return response


@bp.app_errorhandler(403)
def _refused(error):
    """Every refused page joins the audit chain, then the usual error page."""
    # The id first: after the rollback, reading the user would reopen a transaction on
    # this request's connection (on SQLite a POST's holds the write lock).
    # The API's caller is its token's user, never the session's (webui.api.tokens).
    api = is_api_request()
    if api:
        actor_id = g.api_user.id if g.get("api_user") is not None else None
    else:
        actor_id = current_user.id if current_user.is_authenticated else None
    db.session.rollback()  # end this request's transaction before writing on another one
    if actor_id is not None:
        try:
            security.record_denied_access(actor_id, endpoint=request.endpoint,
                                          method=request.method, path=request.path)
        except SQLAlchemyError:
            log.exception("Could not audit a refused access to %s", request.path)
    if api and error.description != Forbidden.description:
        return render_error(403, error.description)
    return render_error(403)
