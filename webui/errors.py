"""Error pages and the handler that turns a refused action into a message."""

from __future__ import annotations

import contextlib
import logging

from flask import Flask, current_app, g, jsonify, render_template, request
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from models import db
from models.user import LOCALES
from workflow.engine.errors import DomainError

from .problems import input_errors, is_api_request, problem

log = logging.getLogger(__name__)

TITLES = {
    400: _l("Bad request"),
    401: _l("Not authenticated"),
    403: _l("Not allowed"),
    404: _l("Not found"),
    405: _l("Method not allowed"),
    409: _l("That cannot be done now"),
    412: _l("The file has changed"),
    413: _l("File too large"),
    415: _l("Unsupported media type"),
    422: _l("The request could not be read"),
    428: _l("Precondition required"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
}

MESSAGES = {
    400: _l("The request could not be understood. Please go back and try again."),
    401: _l("Send a personal access token: Authorization: Bearer <token>."),
    403: _l("Your roles do not allow you to open this page."),
    404: _l("There is no such page, or you may not see it."),
    405: _l("This page cannot be used that way."),
    415: _l("Send the request's body as JSON."),
    422: _l("Some inputs are not valid; see errors."),
    409: _l("The action is not possible in the current state."),
    413: _l("The upload is larger than the limit."),
    429: _l("Too many attempts. Please wait a moment and try again."),
    500: _l("An error occurred on our side. It has been logged; please try again later."),
}


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return request.path.startswith("/api/") or best == "application/json"


def discard_failed_session() -> None:
    """Roll the request's work back; a session whose connection has failed too is dropped
    whole, so that nothing after this waits on it."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        log.warning("The failed session could not be rolled back; it is discarded")
        with contextlib.suppress(SQLAlchemyError):
            db.session.remove()


def render_error(status: int, message: str | None = None, *, field: str | None = None,
                 errors: dict | None = None, headers: dict | None = None):
    message = str(message or MESSAGES.get(status, ""))
    db.session.rollback()
    title = str(TITLES.get(status, _l("Error")))
    if is_api_request():
        return problem(status, title, message, field=field, errors=errors, headers=headers)
    if wants_json():
        return jsonify(error=title, message=message), status
    return render_template("errors/error.html", status=status, title=title, message=message), status


def render_server_error():
    """Our own 500 page, whatever state the database session is in: it reads nothing from
    the database (not even the signed-in user, who may be expired with the failed
    transaction), so it is drawn without the navigation and the context processors."""
    g.database_session_failed = True  # the request's teardown does not commit it either
    discard_failed_session()
    # The language of the browser: the user's own choice would be read from the database.
    language = request.accept_languages.best_match(LOCALES) or LOCALES[0]
    with force_locale(language):
        title, message = str(TITLES[500]), str(MESSAGES[500])
        if is_api_request():
            return problem(500, title, message)
        if wants_json():
            return jsonify(error=title, message=message, request_id=g.get("request_id")), 500
        page = current_app.jinja_env.get_template("errors/server_error.html").render(
            title=title, message=message, request_id=g.get("request_id"), language=language)
    return page, 500


def _api_http_error(error: HTTPException, status: int):
    """An HTTP error of the API: its own sentence when it was given one (webui.api raises
    them with the workflow's words), the standard one otherwise."""
    given = error.description if error.description != type(error).description else None
    headers = {"WWW-Authenticate": 'Bearer realm="api"'} if status == 401 else None
    if status == 429:
        given = MESSAGES[429]
    return render_error(status, given, errors=input_errors(error), headers=headers)


def register(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError):
        return render_error(error.status, str(error), field=error.field)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        status = error.code or 500
        if status >= 500:
            return render_server_error()
        description = error.description if status in (400, 409) else None
        if status == 400 and "CSRF" in (error.description or ""):
            description = _l("The form has expired or was not sent from this site. Reload it.")
        if is_api_request():
            return _api_http_error(error, status)
        return render_error(status, description)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("Unhandled error on %s %s", request.method, request.path)
        return render_server_error()
