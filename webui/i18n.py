"""The language and time zone of each page (Flask-Babel).

Language: the user's saved choice, else the one picked with the switch before logging in
(kept in the session), else the browser's Accept-Language, else the user's organisation's
default, else English. Time zone: the user's, else their organisation's country's main
zone, else AOTS's (Asia/Tokyo).
"""

from __future__ import annotations

from flask import Flask, has_request_context, request, session
from flask_babel import Babel, get_locale
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup

from models import LOCALES
from workflow.engine.wording import catalogue, per_locale
from workflow.people import preferences

babel = Babel()


SESSION_KEY = "locale"  # the switch's choice of a visitor who has not logged in

# Each language by its own name, as a switch must say it to someone who cannot read the other.
LANGUAGE_NAMES = {"en": "English", "ja": "日本語"}


def _signed_in_user():
    return current_user if current_user.is_authenticated else None


def select_locale() -> str | None:
    if not has_request_context():
        return None  # the CLI and background jobs: Flask-Babel's default, unless forced
    user = _signed_in_user()
    if user is not None and user.locale:
        return user.locale
    chosen = session.get(SESSION_KEY)
    if chosen in LOCALES:
        return chosen
    return (request.accept_languages.best_match(LOCALES)
            or preferences.organisation_locale(user) or "en")


def select_time_zone() -> str | None:
    if not has_request_context():
        return None
    return preferences.time_zone_of(_signed_in_user())


_in_japanese = per_locale(lambda locale: str(locale) == "ja")


def chose_japanese_era() -> bool:
    """The signed-in user's setting, whatever the page's language."""
    if not has_request_context():
        return False
    user = _signed_in_user()
    return bool(user is not None and user.japanese_era)


def uses_japanese_era() -> bool:
    """Dates in the Japanese era: a user's setting, for Japanese pages only."""
    return _in_japanese() and chose_japanese_era()


def _finished(eval_ctx, translated: str, variables: dict) -> str:
    """A translation as Jinja's newstyle gettext finishes it: HTML in an autoescaped
    template, then always formatted with the variables (so that "%%" is "%").

    A page holds some 300 of them: each is looked up in the catalogue of the locale in force
    (wording.catalogue) rather than found through Jinja's alias, the template context and
    Flask-Babel's domain, and one without a "%" is not formatted (it could not change)."""
    if eval_ctx.autoescape:
        translated = Markup(translated)
    return translated % variables if variables or "%" in translated else translated


@pass_eval_context
def template_gettext(eval_ctx, string: str, /, **variables) -> str:
    return _finished(eval_ctx, catalogue().ugettext(string), variables)


@pass_eval_context
def template_ngettext(eval_ctx, singular: str, plural: str, num: int, /, **variables) -> str:
    variables.setdefault("num", num)
    return _finished(eval_ctx, catalogue().ungettext(singular, plural, num), variables)


@pass_eval_context
def template_pgettext(eval_ctx, context: str, string: str, /, **variables) -> str:
    variables.setdefault("context", context)
    return _finished(eval_ctx, catalogue().upgettext(context, string), variables)


@pass_eval_context
def template_npgettext(eval_ctx, context: str, singular: str, plural: str, num: int, /,
                       **variables) -> str:
    variables.setdefault("context", context)
    variables.setdefault("num", num)
    return _finished(eval_ctx, catalogue().unpgettext(context, singular, plural, num),
                     variables)


def register(app: Flask) -> None:
    # Flask-WTF's own messages ("This field is required.") in the page's language.
    app.config.setdefault("WTF_I18N_ENABLED", True)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_time_zone)
    # The templates' _(), {% trans %} … (Flask-Babel installs Jinja's "newstyle" ones, whose
    # output these give at a third of the cost: see _finished).
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext,
                                 ngettext=template_ngettext, pgettext=template_pgettext,
                                 npgettext=template_npgettext)
    app.jinja_env.globals.update(
        get_locale=get_locale,  # <html lang> is always the page's language
        language_names=LANGUAGE_NAMES)
