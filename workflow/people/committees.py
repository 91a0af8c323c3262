"""Who sits on which programme's committee: the seats, and the absences of those who preside.

A committee per fund: the WNF grants committee and the SME loan committee. A person may
hold a member's seat (a vote) and one presiding seat (chair or deputy chair) on each, and
sit on both. The seats are the one place that says who sits where: the roles
committee_member and committee_chair follow from them (they open the committee's pages and
ask a presiding person for a second factor at login), and are kept in step here.

Who may vote on a ballot is counted in workflow.committee.tally, who presides over it is decided in
workflow.committee.presiding; both read the seats through this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import lazyload

from models import PRESIDING_SEATS, SEATS, CommitteeSeat, Fund, User, db
from models.i18n import N_
from workflow.engine import audit, kept, reading
from workflow.engine.errors import ValidationFailed
from workflow.engine.wording import long_date, word

COMMITTEE_NAMES = {"WNF": N_("the WNF grants committee"), "SME": N_("the SME loan committee")}
COMMITTEE_TITLES = {"WNF": N_("WNF grants committee"), "SME": N_("SME loan committee")}
OFFICE_TITLES = {"chair": "Chair of the {committee}",
                 "deputy_chair": "Deputy chair of the {committee}"}
# The roles that follow from the seats: a member's seat gives the first, a presiding seat
# the second.
MEMBER_ROLE, CHAIR_ROLE = "committee_member", "committee_chair"
COMMITTEE_ROLES = frozenset({MEMBER_ROLE, CHAIR_ROLE})

# The choices of one committee on the user form, each a set of seats.
SEAT_CHOICES = {
    "": frozenset(),
    "member": frozenset({"member"}),
    "chair,member": frozenset({"chair", "member"}),
    "chair": frozenset({"chair"}),
    "deputy_chair,member": frozenset({"deputy_chair", "member"}),
    "deputy_chair": frozenset({"deputy_chair"}),
}
SEAT_CHOICE_LABELS = {  # translated where shown
    "": N_("Not on this committee"),
    "member": N_("Member"),
    "chair,member": N_("Chair, voting as a member"),
    "chair": N_("Chair, not voting"),
    "deputy_chair,member": N_("Deputy chair, voting as a member"),
    "deputy_chair": N_("Deputy chair, not voting"),
}


def committee_name(fund_code: str) -> str:
    """"the WNF grants committee": for a sentence."""
    if fund_code in COMMITTEE_NAMES:
        return word(COMMITTEE_NAMES[fund_code])
    return _("the %(code)s committee", code=fund_code)


def committee_title(fund_code: str) -> str:
    """"WNF grants committee": for a heading or a list."""
    if fund_code in COMMITTEE_TITLES:
        return word(COMMITTEE_TITLES[fund_code])
    return _("%(code)s committee", code=fund_code)


def choice_of(seats: Iterable[str]) -> str:
    """The user form's choice for a set of seats on one committee."""
    wanted = frozenset(seats)
    return next(key for key, value in SEAT_CHOICES.items() if value == wanted)


def roles_for(seats: Iterable[str]) -> set[str]:
    """The committee roles that the seats (on any committee) give."""
    held = set(seats)
    return ({MEMBER_ROLE} if "member" in held else set()) | (
        {CHAIR_ROLE} if held & set(PRESIDING_SEATS) else set())


def roles_with_seats(roles: Iterable[str], seats: Mapping[str, Iterable[str]]) -> set[str]:
    """The roles given, but for the committee roles: those the seats give."""
    return (set(roles) - COMMITTEE_ROLES) | roles_for(
        seat for held in seats.values() for seat in held)


# --- reading -------------------------------------------------------------------------------

_SEATS = (select(CommitteeSeat.fund_id, Fund.code, CommitteeSeat.seat, User)
          .join(Fund, Fund.id == CommitteeSeat.fund_id)
          .join(User, User.id == CommitteeSeat.user_id)
          # Their roles only if asked: the rules here read seats, not roles.
          .options(lazyload(User.role_assignments))
          .order_by(CommitteeSeat.id))  # built once, as a page's statements are


@reading.memoised
def _seat_rows() -> list[tuple[int, str, str, User]]:
    """(fund id, fund code, seat, holder) of every seat on every committee, in one statement
    per page: the committees are a few dozen people, and a file's page asks who votes, who
    presides and where the viewer sits."""
    return [tuple(row) for row in db.session.execute(_SEATS)]


def seats_of(user: User) -> dict[str, set[str]]:
    """Fund code → the seats the user holds on that fund's committee."""
    return seats_by_user().get(user.id, {})


def seats_by_user() -> dict[int, dict[str, set[str]]]:
    """User id → fund code → seats, for everyone who sits on a committee (the users list)."""
    found: dict[int, dict[str, set[str]]] = {}
    for _fund, code, seat, holder in _seat_rows():
        found.setdefault(holder.id, {}).setdefault(code, set()).add(seat)
    return found


def funds_seated(user: User, seats: Iterable[str]) -> set[int]:
    """The funds on whose committees the user holds one of these seats."""
    wanted = set(seats)
    return {fund for fund, _code, seat, holder in _seat_rows()
            if holder.id == user.id and seat in wanted}


def members_of(fund_id: int) -> list[tuple[int, int | None]]:
    """(user id, organisation id) of the active members of a fund's committee."""
    return [(holder.id, holder.organisation_id) for fund, _code, seat, holder in _seat_rows()
            if fund == fund_id and seat == "member" and holder.active]


@dataclass(frozen=True)
class Officers:
    """The chair and the deputy chair of one committee (None: the seat is empty)."""

    chair: User | None
    deputy: User | None

    def holder(self, seat: str) -> User | None:
        return self.chair if seat == "chair" else self.deputy


def officers_of(fund_id: int) -> Officers:
    """Who chairs and who deputises on a fund's committee, active or not."""
    holders = {seat: holder for fund, _code, seat, holder in _seat_rows()
               if fund == fund_id and seat in PRESIDING_SEATS}
    return Officers(holders.get("chair"), holders.get("deputy_chair"))


def is_away(user: User, today: date) -> bool:
    """Marked away on this day (the day given as the last one away included)."""
    return user.away_until is not None and today <= user.away_until


# --- writing -------------------------------------------------------------------------------

def set_seats(user: User, wanted: Mapping[str, Iterable[str]], actor: User | None) -> None:
    """Give the user exactly these seats (fund code → seats; a committee left out is left
    as it is), bring their committee roles in step, and audit what changed."""
    clean = {code: frozenset(seats) for code, seats in wanted.items()}
    funds = {f.code: f for f in db.session.scalars(select(Fund).where(
        Fund.code.in_(list(clean))))}
    for code, seats in clean.items():
        _check_seats(user, code, seats, funds.get(code))
    before = seats_of(user)
    after = {**before, **{code: set(seats) for code, seats in clean.items()}}
    after = {code: seats for code, seats in after.items() if seats}
    if after == before:
        return
    for code, seats in clean.items():
        fund = funds[code]
        db.session.execute(delete(CommitteeSeat).where(
            CommitteeSeat.user_id == user.id, CommitteeSeat.fund_id == fund.id,
            CommitteeSeat.seat.not_in(list(seats) or [""])))
        held = before.get(code, set())
        db.session.add_all(CommitteeSeat(user_id=user.id, fund_id=fund.id, seat=seat)
                           for seat in sorted(seats - held))
    user.set_roles((user.roles - COMMITTEE_ROLES)
                   | roles_for(seat for seats in after.values() for seat in seats))
    db.session.flush()
    kept.people_changed(row_id=user.id)
    audit.record("committee_seats_changed", actor=actor, object_type="user", object_id=user.id,
                 data={"before": _listed(before), "after": _listed(after)})


def _listed(seats: dict[str, set[str]]) -> dict[str, list[str]]:
    return {code: sorted(held) for code, held in sorted(seats.items())}


def _check_seats(user: User, code: str, seats: frozenset[str], fund: Fund | None) -> None:
    field = f"seats_{code}"
    if seats - set(SEATS):
        raise ValidationFailed(_("Choose the seat from the list."), field)
    if not seats:
        return
    if fund is None:
        raise ValidationFailed(_("There is no %(code)s fund yet, so no committee to sit on.",
                                 code=code),
                               field)
    if {"chair", "deputy_chair"} <= seats:
        raise ValidationFailed(_("One person cannot both chair and deputise on the same "
                                 "committee."), field)
    for seat in seats & set(PRESIDING_SEATS):
        holder = officers_of(fund.id).holder(seat)
        if holder is not None and holder.id != user.id:
            office = (N_("%(name)s already chairs %(code)s: give them another seat first.")
                      if seat == "chair" else
                      N_("%(name)s already is the deputy chair of %(code)s: give them another "
                         "seat first."))
            raise ValidationFailed(_(office, name=holder.name,
                                     code=committee_name(code)), field)


def set_away(user: User, until: date | None, actor: User | None,
             today: date | None = None) -> None:
    """Mark the user away up to and including `until` (None: back); audited. Only a day to
    come may be given: an absence is for the days ahead."""
    today = today or date.today()
    if until is not None and until < today:
        raise ValidationFailed(_("The last day away cannot be in the past; today is %(today)s.",
                                 today=long_date(today)), "away_until")
    before = user.away_until
    if before == until:
        return
    user.away_until = until
    db.session.flush()
    kept.people_changed(row_id=user.id)
    audit.record("user_changed", actor=actor, object_type="user", object_id=user.id,
                 data={"changes": {"away_until": [before, until]}})
