"""The language of each page (Flask-Babel): the user's saved choice, else the one picked on the
login page, else the browser's Accept-Language, else English."""

from __future__ import annotations

from flask import Flask, has_request_context, request, session
from flask_babel import Babel, get_locale
from flask_login import current_user

from models.user import LOCALES

babel = Babel()


def select_locale() -> str | None:
    if not has_request_context():
        return None  # the CLI and background jobs: Flask-Babel's default, unless forced
    if current_user.is_authenticated:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in LOCALES:
        return chosen
    return request.accept_languages.best_match(LOCALES)


def register(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale  # <html lang> is always the page's language
