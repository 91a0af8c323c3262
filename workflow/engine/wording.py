"""Sentences in a person's language. A page's words follow the request's locale
(webui/i18n.py); what is written for someone else (a notification, an email) is rendered in
that person's locale, given here."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime
from typing import TypeVar

from babel import dates as babel_dates
from babel import lists as babel_lists
from flask_babel import force_locale, format_date, get_locale, get_translations

# A sentence to render: a plain string, or a function that builds it with gettext, called in
# the locale of whoever reads it.
Sentence = str | Callable[[], str]

T = TypeVar("T")


def per_locale(compute: Callable[[object], T]) -> Callable[[], T]:
    """`compute(locale)` for the locale in force, worked out again only when it changes.

    Flask-Babel reads the locale of a request once and holds that one Locale object for the
    request (force_locale puts another in force, then the first back): the same object is
    the same locale. Flask-Babel's own gettext finds the domain, the locale and its name
    again for each word, several times the cost of the word itself on a page of hundreds.
    Each thread remembers its last locale apart: no two threads' pages mix.
    """
    seen = threading.local()

    def in_force() -> T:
        locale = get_locale()
        last = getattr(seen, "last", None)
        if last is None or last[0] is not locale:
            last = seen.last = (locale, compute(locale))  # holds the locale: no reused id
        return last[1]

    return in_force


# The catalogue of the locale in force, as flask_babel.get_translations finds it.
catalogue = per_locale(lambda _locale: get_translations())


def _(english: str, **variables) -> str:
    """flask_babel.gettext, from the catalogue of the locale in force."""
    text = catalogue().ugettext(english)
    return text % variables if variables else text


def render(sentence: Sentence, locale: str | None) -> str:
    """The sentence in the locale (the default one when None)."""
    if not callable(sentence):
        return sentence
    if not locale:
        return sentence()
    with force_locale(locale):
        return sentence()


def word(english: str) -> str:
    """A word defined as data (a state, an action, a role: models.i18n.N_) in this locale."""
    return _(english) if english else english


def lower_first(text: str) -> str:
    """An action's name inside a sentence ("Only … may submit"); a no-op in Japanese."""
    return text[:1].lower() + text[1:]


def long_date(day: date) -> str:
    """"07 December 2026" in English, 2026年12月7日 in Japanese."""
    locale = get_locale()
    if locale is None or locale.language == "en":
        return f"{day:%d %B %Y}"
    return format_date(day, format="long")


def short_moment(moment: datetime) -> str:
    """"07 Dec 14:05" in English, 12月7日 14:05 in Japanese (the caller names the zone)."""
    locale = get_locale()
    if locale is None or locale.language == "en":
        return f"{moment:%d %b %H:%M}"
    return babel_dates.format_datetime(moment, "MMMd HH:mm", locale=locale)


def listing(items: list[str]) -> str:
    """"a, b, c" in English, 「a、b、c」 in Japanese."""
    locale = get_locale()
    if locale is None or locale.language == "en":
        return ", ".join(items)
    return babel_lists.format_list(items, locale=locale)


def csv_header(columns: tuple[str, ...]) -> tuple[str, ...]:
    """A CSV's header row in the reader's language: the English one is the columns' names
    (as programs read them), the Japanese one says what each column holds."""
    return tuple(word(column) for column in columns)
