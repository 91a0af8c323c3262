"""Security headers on every response.

The Content-Security-Policy allows no inline script: every script is a file
served by the app. Styles may be inline because Mermaid writes <style> into the
diagrams it draws (and sets style attributes); scripts stay strict.
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask_login import current_user

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


def register(app: Flask) -> None:
    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        if app.config.get("WNF_ENV") == "production":
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if request.endpoint != "static" and current_user.is_authenticated:
            # Pages with personal or financial data are never kept in a cache.
            response.headers["Cache-Control"] = "no-store"
        return response
