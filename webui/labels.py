"""The words a person reads for the system's names, and numbers, money and dates written for
the page's language (Babel): one filter per concept, for every template.

    {{ application.state|state_label }}   committee_review → "Committee review" / 委員会審査
    {{ role|role_label }}                  committee_chair → "Committee chair"
    {{ loan.method|method_label }}         annuity → "Equal instalments (annuity)"
    {{ loan.annual_rate|rate }}            Decimal("1.5000") → "1.5 %" / "1.5%"
    {{ amount|yen }}                       1234567 → "¥1,234,567" / "1,234,567円"
    {{ entry.kind|ledger_kind_label }}     write_off → "Write-off"
    {{ definition.name|workflow_label }}   grant → "Grant" / 助成金
    {{ day|long_date }}                    2027-04-01 → "1 April 2027" / "2027年4月1日"
                                           (令和9年4月1日 for a user who chose the era)
    {{ moment|long_datetime }}             a stored (UTC) moment in the user's zone, with the
                                           zone: "7 December 2026, 15:05 JST" /
                                           "2026年12月7日 15:05 JST"
    {{ day|fiscal_year }}                  2027-03-31 or 2026 → "FY2026" / "2026年度"

The names' English words are marked for translation where they are defined (models,
workflow definitions); here they are only looked up in the page's catalogue.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date
from flask_babel import get_timezone

from models import LEDGER_KIND_LABELS, METHOD_LABELS, ROLE_LABELS
from workflow.engine import registry
from workflow.engine.fiscal import fiscal_year as fiscal_year_of
from workflow.engine.timeline import EVENT_LABELS
from workflow.engine.wording import _, per_locale

from .i18n import chose_japanese_era, uses_japanese_era
from .japanese_era import era_date, era_fiscal_year

MISSING = "—"

# English pages write dates the British way ("1 April 2027"), as AOTS's English documents do.
_FORMATTING_LOCALES = {"en": "en_GB"}


@functools.cache
def _state_labels() -> dict[str, str]:
    """Every workflow's states by their staff label (the newest version's word wins)."""
    labels: dict[str, str] = {}
    for name in registry.names():
        for version in registry.versions(name):
            labels.update({s.name: s.staff_label for s in registry.get(name, version).states})
    return labels


@functools.cache
def _action_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for name in registry.names():
        for version in registry.versions(name):
            labels.update({t.trigger: t.label for t in registry.get(name, version).transitions})
    return labels


def _humanise(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _translated(words: str) -> str:
    # gettext of a variable: the English words are extracted where they are defined.
    return _(words)


def state_label(name: str | None) -> str:
    if not name:
        return MISSING
    return _translated(_state_labels().get(name) or _humanise(name))


def action_label(trigger: str | None) -> str:
    """An audit event's action or a trigger as its button says it."""
    if not trigger:
        return MISSING
    return _translated(_action_labels().get(trigger) or EVENT_LABELS.get(trigger)
                       or _humanise(trigger))


def workflow_label(name: str | None) -> str:
    """A registered workflow's title ("grant" → "Grant")."""
    if not name:
        return MISSING
    return _translated(registry.get(name).title or _humanise(name))


def role_label(role: str | None) -> str:
    return _translated(ROLE_LABELS.get(role, _humanise(role))) if role else MISSING


def method_label(method: str | None) -> str:
    return _translated(METHOD_LABELS.get(method, _humanise(method))) if method else MISSING


def ledger_kind_label(kind: str | None) -> str:
    return _translated(LEDGER_KIND_LABELS.get(kind, _humanise(kind))) if kind else MISSING


@functools.cache
def _babel_locale(code: str) -> Locale:
    return Locale.parse(_FORMATTING_LOCALES.get(code, code))


# The page's formatting locale (a page writes dozens of amounts and dates).
_locale = per_locale(lambda locale: _babel_locale(str(locale or "en")))
# How the page writes a day: (in Japanese, where the user may choose the era; its locale).
_day_style = per_locale(lambda locale: (str(locale) == "ja", _babel_locale(str(locale or "en"))))


def _number(text: str, locale: Locale) -> str:
    """Python's "1,234.5" in the locale's symbols (a list page writes hundreds of amounts:
    Babel's number patterns cost ten times as much for the same text)."""
    symbols = locale.number_symbols["latn"]
    if symbols["group"] == "," and symbols["decimal"] == ".":
        return text
    return text.translate({ord(","): symbols["group"], ord("."): symbols["decimal"]})


def rate(value: Decimal | float | None) -> str:
    """A percentage as stored (Decimal("1.5000")) written the short way: "1.5 %"."""
    if value is None:
        return MISSING
    # "{:f}" keeps 10 from becoming 1E+1 once normalised.
    number = _number(f"{Decimal(value).normalize():f}", _locale())
    return _("%(rate)s %%", rate=number)


def yen(amount: int | Decimal | None) -> str:
    """Whole yen with the locale's grouping; Japanese writes the 円 after the number."""
    if amount is None:
        return MISSING
    number = _number(f"{int(abs(amount)):,}", _locale())
    return ("-" if amount < 0 else "") + _("¥%(amount)s", amount=number)


def _in_user_zone(moment: datetime) -> datetime:
    """A stored moment (naive UTC) as the clock on the user's wall shows it."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(str(get_timezone())))


def zone_abbreviation(moment: datetime) -> str:
    """JST, WIB, CET…; a zone without a letter abbreviation by its offset: UTC+05."""
    name = moment.tzname() or ""
    return f"UTC{name}" if name[:1] in "+-" else name


def long_date(day: date | datetime | None) -> str:
    if day is None:
        return MISSING
    if isinstance(day, datetime):
        day = _in_user_zone(day).date()
    japanese, locale = _day_style()
    if japanese and chose_japanese_era():
        return era_date(day)
    return _written_day(day, locale)


@functools.lru_cache(maxsize=4096)
def _written_day(day: date, locale: Locale) -> str:
    return format_date(day, format="long", locale=locale)


def long_datetime(moment: datetime | None) -> str:
    """A moment to the minute in the user's time zone, naming the zone."""
    if moment is None:
        return MISSING
    local = _in_user_zone(moment)
    clock = local.strftime("%H:%M")
    return _("%(date)s, %(time)s %(zone)s", date=long_date(local.date()), time=clock,
             zone=zone_abbreviation(local))


def fiscal_year(day_or_year: date | int | None) -> str:
    """AOTS's April–March year: "FY2026" / "2026年度" (令和8年度 in the era)."""
    if day_or_year is None:
        return MISSING
    year = day_or_year if isinstance(day_or_year, int) else fiscal_year_of(day_or_year)
    if uses_japanese_era():
        return era_fiscal_year(year)
    return _("FY%(year)s", year=str(year))


FILTERS = {
    "state_label": state_label, "action_label": action_label, "role_label": role_label,
    "method_label": method_label, "ledger_kind_label": ledger_kind_label, "rate": rate,
    "yen": yen, "long_date": long_date, "long_datetime": long_datetime,
    "fiscal_year": fiscal_year, "word": _translated, "workflow_label": workflow_label,
}


def register(app) -> None:
    app.jinja_env.filters.update(FILTERS)
