"""One JSON line per request and per workflow event, carrying the request id.

The request id comes from the proxy's X-Request-ID when it looks sane, or is
made here, and goes back in the response header. Nothing from forms, no
password, token or cookie is ever logged: only method, path, status, user id.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request
from flask_login import current_user, user_logged_in, user_logged_out

from .problems import is_api_request

_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
log = logging.getLogger("wnf.requests")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("request_id", "user_id", "method", "path", "status", "duration_ms"):
            value = getattr(record, key, None)
            if value is not None:
                line[key] = value
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class RequestContextFilter(logging.Filter):
    """Adds the request id and user id to every record logged during a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context() and not hasattr(record, "request_id"):
            record.request_id = g.get("request_id")
            record.user_id = g.get("user_id")
        return True


class JsonLogHandler(logging.StreamHandler):
    """The app's own handler, so that configuring twice adds it once."""


def configure_logging(level: str = "INFO") -> None:
    root = logging.getLogger()
    if any(isinstance(h, JsonLogHandler) for h in root.handlers):
        return
    handler = JsonLogHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # our line replaces its own


def remember_signed_in_user(user) -> None:
    """Keep the signed-in user's id for the log line and the headers: read later from the
    user object, it could need the database (the object expires when a failed transaction
    is rolled back), and the 500 page must not."""
    g.user_id = str(user.id) if user is not None else None


def _on_login(_app, user, **_extra) -> None:
    remember_signed_in_user(user)


def _on_logout(_app, user=None, **_extra) -> None:
    remember_signed_in_user(None)


def register(app: Flask) -> None:
    if not app.testing:
        configure_logging(app.config.get("LOG_LEVEL", "INFO"))
    user_logged_in.connect(_on_login, app)
    user_logged_out.connect(_on_logout, app)

    @app.before_request
    def _start():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _SANE_ID.match(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()
        # Loads the user now (auth.load_user remembers the id); the API's caller is its
        # token's user, whom webui.api.tokens remembers instead.
        if request.endpoint != "static" and not is_api_request():
            current_user.get_id()

    @app.after_request
    def _finish(response):
        request_id = g.get("request_id") or uuid.uuid4().hex
        response.headers["X-Request-ID"] = request_id
        if request.endpoint != "static":
            duration = (time.perf_counter() - g.get("request_started", time.perf_counter()))
            log.info("%s %s %s", request.method, request.path, response.status_code, extra={
                "request_id": request_id,
                "user_id": g.get("user_id"),
                "method": request.method, "path": request.path,
                "status": response.status_code, "duration_ms": round(duration * 1000, 1)})
        return response
