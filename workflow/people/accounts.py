"""Users and organisations: the administrative records (funds and rounds: fund_records).

Views hand plain data here; the functions validate, change the session and
leave the commit to the caller. Every record created or changed here joins the audit
chain with what changed (workflow.engine.records).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from pathlib import Path

import pycountry
from babel import Locale
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from models import ORGANISATION_KINDS, ROLES, Organisation, User, db
from models import user as user_model
from models.i18n import N_
from workflow.engine import audit, kept
from workflow.engine.errors import ValidationFailed
from workflow.engine.records import audit_changes, fields_of, refuse_clash, unique_names

from . import committees
from .readings import company_reading

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128
COMMON_PASSWORDS_FILE = Path(__file__).parent / "data" / "common-passwords.txt"
COMMON_PASSWORD_REFUSED = N_("This password is among the most common ones; choose another.")


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list of the 1,000 most common passwords, lower-cased."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.lower() for line in lines if line and not line.startswith("#"))


@functools.cache
def _dummy_hash(method: str) -> str:
    """A hash to check against when the email is unknown, so both cost the same time: made
    with the method a user's hash is made with now (kept per method, which the tests change)."""
    return generate_password_hash("timing-equaliser-password", method=method)


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == User.normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (never says which was wrong)."""
    user = find_user_by_email(email)
    if user is None:
        check_password_hash(_dummy_hash(user_model.PASSWORD_METHOD), password)
        return None
    if not user.check_password(password) or not user.is_active:
        return None
    return user


def check_password_rules(password: str, field: str = "password") -> None:
    """12 to 128 characters, the whole string counted (never truncated), and not common."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            _("The password must be at least %(min_password_length)s characters long.",
              min_password_length=MIN_PASSWORD_LENGTH), field
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationFailed(
            _("The password must be at most %(max_password_length)s characters long.",
              max_password_length=MAX_PASSWORD_LENGTH), field
        )
    if password.lower() in common_passwords():
        raise ValidationFailed(_(COMMON_PASSWORD_REFUSED), field)


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password; every other session of the user ends (the token rotates)."""
    if not user.check_password(current):
        raise ValidationFailed(_("The current password is not correct."), "current_password")
    check_password_rules(new, "new_password")
    user.set_password(new)
    audit.record("password_changed", actor=user, object_type="user", object_id=user.id)


def check_country(code: str, field: str = "country_code") -> str:
    code = (code or "").strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise ValidationFailed(_("%(code)s is not an ISO 3166 country code.",
                                 code=code or 'An empty code'), field)
    return code


def country_name(code: str) -> str:
    """The country in the reader's language (CLDR's names, through Babel): インドネシア for
    a Japanese reader; pycountry's English name for a code CLDR does not name."""
    return _country_name(_reader_locale(), code)


def country_names() -> Callable[[str], str]:
    """country_name for a page naming many countries: the reader's language is looked up
    once, not once a name."""
    return functools.partial(_country_name, _reader_locale())


def _reader_locale() -> str:
    return str(get_locale() or "en")


# Babel's and pycountry's names are constant for the process: kept per (locale, code).
@functools.lru_cache(maxsize=4096)
def _country_name(locale: str, code: str) -> str:
    name = _territories(locale).get(code)
    if name:
        return name
    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "common_name", None) or (country.name if country else code)


def country_options() -> list[tuple[str, str]]:
    """Every ISO 3166 country as (code, name in the reader's language), sorted by name."""
    name = country_names()
    return sorted(((c.alpha_2, name(c.alpha_2)) for c in pycountry.countries),
                  key=lambda pair: pair[1])


@functools.cache
def _territories(locale: str) -> Mapping[str, str]:
    return Locale.parse(locale).territories


def _email_taken(email: str, except_user: User | None = None) -> bool:
    query = select(func.count()).select_from(User).where(User.email == email)
    if except_user is not None and except_user.id is not None:
        query = query.where(User.id != except_user.id)
    return db.session.scalar(query) > 0


def create_user(
    *,
    email: str,
    name: str,
    password: str,
    roles=(),
    organisation: Organisation | None = None,
    locale: str | None = None,
    active: bool = True,
    actor: User | None = None,
    seats: Mapping[str, Iterable[str]] | None = None,
) -> User:
    """actor: the admin who creates the account; none from the command line or the demo.

    seats: fund code → seats on that fund's committee; the committee roles follow from
    them (given in `roles`, they are left out).
    """
    email = User.normalise_email(email)

    def clash() -> tuple[str, str] | None:
        if _email_taken(email):
            return _("A user with the email %(email)s already exists.", email=email), "email"
        return None

    refuse_clash(clash)
    check_password_rules(password)
    _check_roles(roles)
    seats = {code: set(held) for code, held in (seats or {}).items()}
    with unique_names(clash):
        user = User(email=email, name=name.strip(), organisation=organisation, locale=locale)
        user.active = active
        user.set_password(password)
        user.set_roles(committees.roles_with_seats(roles, seats))
        db.session.add(user)
    kept.people_changed(row_id=user.id)
    audit.record("user_created", actor=actor, object_type="user", object_id=user.id,
                 data={"email": user.email, "name": user.name, "roles": sorted(user.roles),
                       "organisation_id": user.organisation_id, "active": user.active})
    if seats:
        committees.set_seats(user, seats, actor)
    return user


def update_user(
    user: User,
    *,
    actor: User,
    email: str,
    name: str,
    roles,
    organisation: Organisation | None,
    locale: str,
    active: bool,
    password: str | None = None,
    seats: Mapping[str, Iterable[str]] | None = None,
    away_until: date | None | object = ...,
) -> User:
    """Change a user's record; roles and activation take effect on their next request.

    seats: fund code → seats on its committee (a committee left out is kept as it is);
    the committee roles follow from the seats, whatever `roles` says of them. away_until:
    the last day a chair or deputy chair is away (None: not away; left out: unchanged).
    Role and seat changes, (de)activation and a password set by the admin join the audit
    chain.
    """
    email = User.normalise_email(email)

    def clash() -> tuple[str, str] | None:
        if _email_taken(email, except_user=user):
            return _("A user with the email %(email)s already exists.", email=email), "email"
        return None

    refuse_clash(clash)
    _check_roles(roles)
    held = committees.seats_of(user)
    seats = {code: set(wanted) for code, wanted in (seats or {}).items()}
    roles = committees.roles_with_seats(roles, {**held, **seats})
    if user.id == actor.id and set(roles) != set(user.roles):
        raise ValidationFailed(_("You cannot change your own roles; ask another admin."), "roles")
    if user.id == actor.id and not active:
        raise ValidationFailed(_("You cannot deactivate your own account."), "active")
    if password:
        check_password_rules(password)
    was_active, roles_before = user.active, sorted(user.roles)
    record_before = fields_of(user, _USER_RECORD)
    if user.active and not active:
        user.rotate_session_token()  # logs out every open session at once
    with unique_names(clash):  # another admin may give the same email meanwhile
        user.email, user.name, user.organisation = email, name.strip(), organisation
        user.locale, user.active = locale, active
        if away_until is not ...:
            user.away_until = away_until
        user.set_roles(roles)
        if password:
            user.set_password(password)
    _audit_user_changes(user, actor, roles_before, was_active, password_set=bool(password))
    audit_changes("user_changed", user, record_before, actor)
    if seats:
        committees.set_seats(user, seats, actor)
    return user


# What a user's record shows others (names on timelines, ballots and tranches); roles,
# activation and passwords have events of their own.
_USER_RECORD = ("email", "name", "organisation_id", "locale", "away_until")


def _audit_user_changes(user: User, actor: User, roles_before: list[str], was_active: bool,
                        password_set: bool) -> None:
    roles_after = sorted(user.roles)
    target = {"actor": actor, "object_type": "user", "object_id": user.id}
    if roles_after != roles_before or was_active != user.active:
        kept.people_changed(row_id=user.id)
    if roles_after != roles_before:
        audit.record("roles_changed", **target, data={"before": roles_before,
                                                      "after": roles_after})
    if was_active != user.active:
        audit.record("user_activated" if user.active else "user_deactivated", **target)
    if password_set:
        audit.record("password_set_by_admin", **target)


def _check_roles(roles) -> None:
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValidationFailed(_("Unknown role: %(unknown)s.",
                                 unknown=", ".join(sorted(unknown))), "roles")


_ORGANISATION_RECORD = ("kind", "name", "name_reading", "country_code", "city", "industry",
                        "capital_yen", "employees")


def save_organisation(org: Organisation | None, *, actor: User | None = None,
                      **fields) -> Organisation:
    fields["country_code"] = check_country(fields.get("country_code", ""))
    name = fields["name"].strip()

    def clash() -> tuple[str, str] | None:
        other = db.session.scalar(select(Organisation.id).where(Organisation.name == name))
        if other is not None and (org is None or other != org.id):
            return _("An organisation named %(name)s already exists.", name=name), "name"
        return None

    refuse_clash(clash)
    if fields.get("kind") not in ORGANISATION_KINDS:
        raise ValidationFailed(_("Choose a kind of organisation from the list."), "kind")
    fields["name"] = name
    if "name_reading" in fields:
        fields["name_reading"] = company_reading(fields["name_reading"])
    if fields.get("kind") != "company":
        fields.update(industry=None, capital_yen=None, employees=None)
    for key in ("capital_yen", "employees"):
        if fields.get(key) is not None and fields[key] < 0:
            raise ValidationFailed(_("This figure cannot be negative."), key)
    before = fields_of(org, _ORGANISATION_RECORD) if org else dict.fromkeys(_ORGANISATION_RECORD)
    with unique_names(clash):
        org = org or Organisation()
        for key, value in fields.items():
            setattr(org, key, value)
        db.session.add(org)
    audit_changes("organisation_saved", org, before, actor)
    return org
