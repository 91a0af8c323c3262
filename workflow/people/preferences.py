"""Each person's language, time zone and way of writing dates, and the defaults they fall
back on: their organisation's language, and its country's main time zone.

Like the rest of workflow.people, changes join the audit chain and the commit is the
caller's.
"""

from __future__ import annotations

import functools
import zoneinfo

from babel.core import get_global
from babel.dates import get_timezone_location
from flask_babel import get_locale
from flask_babel import gettext as _

from models import LOCALES, User
from workflow.engine import audit, kept
from workflow.engine.errors import ValidationFailed

DEFAULT_LOCALE = "en"

# AOTS is in Tokyo: the zone of anyone without an organisation (staff, the command line).
HOME_ZONE = "Asia/Tokyo"

# The zone most of the country lives by, for the countries with several: Babel's list of a
# country's zones is unordered, and its first one is often a remote island's.
MAIN_ZONES = {
    "AR": "America/Argentina/Buenos_Aires", "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo", "CA": "America/Toronto", "CD": "Africa/Kinshasa",
    "CL": "America/Santiago", "CN": "Asia/Shanghai", "CY": "Asia/Nicosia",
    "DE": "Europe/Berlin", "EC": "America/Guayaquil", "ES": "Europe/Madrid",
    "FM": "Pacific/Pohnpei", "GL": "America/Nuuk", "ID": "Asia/Jakarta",
    "KI": "Pacific/Tarawa", "KZ": "Asia/Almaty", "MN": "Asia/Ulaanbaatar",
    "MX": "America/Mexico_City", "MY": "Asia/Kuala_Lumpur", "NZ": "Pacific/Auckland",
    "PF": "Pacific/Tahiti", "PG": "Pacific/Port_Moresby", "PT": "Europe/Lisbon",
    "RU": "Europe/Moscow", "UA": "Europe/Kyiv", "UM": "Pacific/Wake",
    "US": "America/New_York", "UZ": "Asia/Tashkent",
}


@functools.cache
def time_zones() -> tuple[str, ...]:
    """Every IANA zone a person may choose (the canonical names, sorted)."""
    return tuple(sorted(zoneinfo.available_timezones() - {"Factory", "localtime"}))


def zone_choices() -> list[tuple[str, str]]:
    """The zones offered on the settings page, named for the reader: the places of the world
    (an Area/City zone: its country and city in the reader's language, 日本時間,
    アメリカ合衆国（ニューヨーク）時間), and UTC. Left out: the old aliases (US/Eastern, GB,
    Japan: each the same clock as a place listed) and Etc/GMT+5-style offsets, whose sign is
    the reverse of what people expect. An English page keeps the IANA names people know."""
    return [(UTC_ZONE, _("UTC (Coordinated Universal Time)")),
            *_place_zones(str(get_locale() or "en"))]


def zone_label(zone: str) -> str:
    """One zone in the words of zone_choices (an alias as its place's zone)."""
    zone = get_global("zone_aliases").get(zone, zone)
    return dict(zone_choices()).get(zone, zone.replace("_", " "))


UTC_ZONE = "Etc/UTC"


@functools.cache
def _place_zones(locale: str) -> tuple[tuple[str, str], ...]:
    aliases = get_global("zone_aliases")
    places = [zone for zone in time_zones()
              if "/" in zone and zone not in aliases and not zone.startswith("Etc/")]
    if locale == "en":
        return tuple((zone, zone.replace("_", " ")) for zone in places)
    named = ((zone, get_timezone_location(zone, locale=locale)) for zone in places)
    return tuple(sorted(named, key=lambda pair: pair[1]))


def main_time_zone(country_code: str | None) -> str:
    """The country's main zone (Japan: Asia/Tokyo); AOTS's when the country is unknown."""
    if not country_code:
        return HOME_ZONE
    zones = get_global("territory_zones").get(country_code.upper(), ())
    if len(zones) == 1:
        return zones[0]
    return MAIN_ZONES.get(country_code.upper()) or (sorted(zones)[0] if zones else HOME_ZONE)


def time_zone_of(user: User | None) -> str:
    """The zone a person's pages show times in: theirs, else their organisation's country's."""
    if user is not None and user.time_zone:
        return user.time_zone
    return default_time_zone(user)


def default_time_zone(user: User | None) -> str:
    """The zone of someone who has chosen none."""
    org = user.organisation if user is not None else None
    return main_time_zone(org.country_code) if org is not None else HOME_ZONE


def organisation_locale(user: User | None) -> str | None:
    org = user.organisation if user is not None else None
    return org.locale if org is not None else None


def language_of(person) -> str:
    """The language to write to a person in outside their own request (a notification, an
    email): their choice, else their organisation's, else English. The rows of
    workflow.people.notifications carry it already (LANGUAGE)."""
    return person.locale or organisation_locale(person) or DEFAULT_LOCALE


def check_time_zone(name: str | None, field: str = "time_zone") -> str | None:
    if not name:
        return None
    if name not in time_zones():
        raise ValidationFailed("Choose a time zone from the list.", field)
    return name


def check_locale(code: str | None, field: str = "locale") -> str | None:
    if not code:
        return None
    if code not in LOCALES:
        raise ValidationFailed("Choose a language from the list.", field)
    return code


_PREFERENCES = ("locale", "time_zone", "japanese_era")


def save_preferences(user: User, **wanted) -> User:
    """Change any of the user's own locale, time_zone (None: the defaults) and
    japanese_era; one audit event names what changed, none when nothing did."""
    unknown = set(wanted) - set(_PREFERENCES)
    if unknown:
        raise TypeError(f"Not a preference: {', '.join(sorted(unknown))}")
    if "locale" in wanted:
        wanted["locale"] = check_locale(wanted["locale"])
    if "time_zone" in wanted:
        wanted["time_zone"] = check_time_zone(wanted["time_zone"])
    if "japanese_era" in wanted:
        wanted["japanese_era"] = bool(wanted["japanese_era"])
    changes = {name: [getattr(user, name), value] for name, value in wanted.items()
               if getattr(user, name) != value}
    for name, (_before, value) in changes.items():
        setattr(user, name, value)
    if changes:
        audit.record("preferences_changed", actor=user, object_type="user", object_id=user.id,
                     data={"changes": changes})
    if "locale" in changes:  # the language kept with whom a transition tells
        kept.people_changed(row_id=user.id)
    return user
