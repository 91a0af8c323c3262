"""Security headers on every response.

The Content-Security-Policy allows no inline script: every script is a file
served by the app. Styles may be inline (style attributes set by Bootstrap's scripts and
the charts); scripts stay strict.
"""

from __future__ import annotations

import re

from flask import Flask, Response, abort, g, request
from flask_babel import lazy_gettext as _l

CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))


# Control characters a form has no business sending; PostgreSQL also refuses NUL in text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_MESSAGE = _l("The form contains control characters that cannot be stored; remove them "
                     "and send it again.")


# No page of the site writes a link with one: it was edited, or cut and pasted badly.
LINK_CONTROL_MESSAGE = _l("This link is out of date: it holds control characters that no page "
                          "of this site writes. Start again from the page that led here.")


def _has_control_characters(values) -> bool:
    return any(CONTROL_CHARACTERS.search(v) for v in values)


def _form_values() -> list[str]:
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        return [v for _, v in request.form.items(multi=True)]
    return []


def register(app: Flask) -> None:
    @app.before_request
    def _refuse_control_characters():
        if request.endpoint == "static":
            return
        if _has_control_characters(_form_values()):
            abort(400, CONTROL_MESSAGE)
        if _has_control_characters(request.args.values()):
            abort(400, LINK_CONTROL_MESSAGE)

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        if app.config.get("WNF_ENV") == "production":
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        # The id kept at the start of the request: the user object may need the database.
        if request.endpoint != "static" and g.get("user_id") is not None:
            # Pages with personal or financial data are never kept in a cache.
            response.headers["Cache-Control"] = "no-store"
        return response
