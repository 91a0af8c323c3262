"""The users list's rows as the words they show, written in Python: every user's roles,
seats and status were a filter or a macro call each from the template, and the same few
labels were translated again on every row."""

from __future__ import annotations

from typing import NamedTuple

from flask import url_for
from flask_babel import gettext as _

from models import User
from workflow.engine.wording import word
from workflow.people import committees

from ..labels import MISSING, long_date, role_label


class UserRow(NamedTuple):
    href: str
    name: str
    email: str
    organisation: str
    roles: list[str]  # the labels of the user's roles, in the order of their names
    seats: list[str]  # "WNF: Member", one a committee the user sits on
    status: str  # active or inactive
    away: str  # "away until …", else ""


def user_rows(users: list[User]) -> list[UserRow]:
    seats = committees.seats_by_user()
    # The rule ends in the id: url_for once, not once a row.
    link = url_for("admin.edit_user", user_id=0).removesuffix("0")
    roles: dict[str, str] = {}
    seat_words: dict[str, str] = {}
    active, inactive = _("active"), _("inactive")
    rows = []
    for user in users:
        shown_roles = []
        for role in sorted(user.roles):
            if role not in roles:
                roles[role] = role_label(role)
            shown_roles.append(roles[role])
        shown_seats = []
        for code, held in sorted((seats.get(user.id) or {}).items()):
            choice = committees.choice_of(held)
            if choice not in seat_words:
                seat_words[choice] = word(committees.SEAT_CHOICE_LABELS[choice])
            shown_seats.append(f"{code}: {seat_words[choice]}")
        rows.append(UserRow(
            f"{link}{user.id}", user.name, user.email,
            user.organisation.name if user.organisation else MISSING, shown_roles, shown_seats,
            active if user.active else inactive,
            _("away until %(date)s", date=long_date(user.away_until))
            if user.away_until else ""))
    return rows
