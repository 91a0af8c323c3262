"""The committee's work lists: ballots awaiting a member's vote, the member's votes still
open to change, and the open ballots of the committees a person presides over (the chair's
and the deputy chair's); the secretariat's list is workflow.committee.stuck. Each is read a
page at a time, the oldest ballot first (workflow.engine.keyset), and counted up to a limit:
at 100,000 applications two thousand ballots may be open at once. Each person sees only
their own committees' ballots."""

from __future__ import annotations

from datetime import date
from functools import cache

from sqlalchemy import Select, exists, false, func, select
from sqlalchemy.orm import contains_eager

from models import Application, Ballot, Fund, Organisation, User, Vote, db
from workflow.engine import keyset
from workflow.engine.kept import kept_for_lists

from .filters import (
    MEMBER_FUNDS,
    OFFICE_FUNDS,
    TODAY,
    VIEWER_ID,
    holds_an_office,
    may_preside,
    presides,
    recused,
    someone_presides,
    viewer_presides,
    viewer_recused,
    viewer_values,
)
from .tally import VOTER_ROLE

# Oldest first: the longer a ballot is open, the sooner it is due.
KEY = (Ballot.opened_at, Ballot.id)


def is_voter(user: User | None) -> bool:
    """An active committee member (whether or not recused from a given ballot)."""
    return user is not None and bool(user.active) and user.has_role(VOTER_ROLE)


def of_open_ballots(*columns) -> Select:
    """The open ballots, each joined to its file."""
    # An open ballot's file is in committee review (every arrow out of it closes the ballot:
    # tests/workflow/committee/test_open_ballot_files.py), so the file's state is not asked:
    # asked, PostgreSQL guesses a few open ballots are left and sorts them all instead of
    # walking them in order (ix_ballots_state_opened_at) and stopping after a page.
    return (select(*columns).select_from(Ballot).join(Ballot.application)
            .where(Ballot.state == "open"))


def with_files(query: Select) -> Select:
    # With each file, its organisation and fund: the lists show them, the tally's rule reads it.
    return query.options(
        contains_eager(Ballot.application).joinedload(Application.organisation),
        contains_eager(Ballot.application).joinedload(Application.fund))


def _of_file(column):
    # Read for the page's rows only (after the sort and limit), not joined: PostgreSQL
    # guesses a few rows match a list, where a thousand may, and would then join every
    # organisation to each of them.
    where = (Organisation.id == Application.organisation_id if column.class_ is Organisation
             else Fund.id == Application.fund_id)
    return select(column).where(where).correlate_except(column.class_).scalar_subquery()


# What the lists read of each ballot: plain columns, not a ballot, a file, an organisation
# and a fund loaded a row.
LISTED = (Ballot.id, Ballot.application_id, Application.reference, Application.title,
          _of_file(Organisation.name), _of_file(Organisation.name_reading),
          Ballot.number, Ballot.opened_at, Ballot.due_on)

# The committee page's statements are built once for each kind of viewer (with an
# organisation or not; presiding this day or not) with the viewer's values as bound
# parameters (filters.viewer_values), not once a page.


@cache
def _awaiting(has_organisation: bool, *columns) -> Select:
    return of_open_ballots(*columns).where(
        Application.fund_id.in_(MEMBER_FUNDS),
        ~exists().where(Vote.ballot_id == Ballot.id, Vote.member_id == VIEWER_ID),
        ~viewer_recused(has_organisation))


@cache
def _voted(*columns) -> Select:
    return of_open_ballots(*columns).join(Vote, (Vote.ballot_id == Ballot.id)
                                & (Vote.member_id == VIEWER_ID))


def _today_values(user: User, today: date | None = None) -> dict:
    return viewer_values(user, today or date.today())


def ballots_awaiting(member: User) -> list[Ballot]:
    """Open ballots this member may vote on and has not voted on yet, oldest first."""
    if not is_voter(member):
        return []
    query = with_files(_awaiting(member.organisation_id is not None, Ballot)).order_by(*KEY)
    return list(db.session.scalars(query, _today_values(member)))


def votes_open_to_change(member: User) -> list[tuple[Ballot, Vote]]:
    """The member's votes on ballots still open (each can still be changed), oldest first."""
    rows = db.session.execute(with_files(_voted(Ballot, Vote)).order_by(*KEY),
                              _today_values(member)).all()
    return [(ballot, vote) for ballot, vote in rows]


def _presided(user: User, *columns) -> Select:
    """The open ballots of the committees the user chairs or deputises on."""
    return of_open_ballots(*columns).where(holds_an_office(user))


def _presided_rows(user: User, today: date) -> Select:
    """Each ballot with whether the user presides over it, whether anyone may, and whether
    the user is recused from it (then its votes are not shown to them)."""
    return with_files(_presided(user, Ballot, presides(user, today).label("mine"),
                                 someone_presides(today).label("presided"),
                                 recused(user.id, user.organisation_id).label("recused")))


@cache
def _open_listed(has_organisation: bool, presiding: bool) -> Select:
    """The open list's rows: LISTED (but the due day), the file's fund code (its decision
    rule), and whether the viewer presides over the ballot, whether anyone may, and
    whether the viewer is recused from it."""
    return of_open_ballots(*LISTED[:-1], _of_file(Fund.code),
                 (viewer_presides(has_organisation) if presiding else false()).label("mine"),
                 someone_presides(TODAY).label("presided"),
                 viewer_recused(has_organisation).label("recused")
                 ).where(Application.fund_id.in_(OFFICE_FUNDS))


def open_ballots(user: User, today: date | None = None) -> list[tuple]:
    """(ballot, presided by the user, presided by anyone, user recused) of every open
    ballot of the user's committees, oldest first."""
    query = _presided_rows(user, today or date.today()).order_by(*KEY)
    return [tuple(row) for row in db.session.execute(query)]


# --- a page at a time ----------------------------------------------------------------------

def awaiting_page(member: User, size: int, *, after: str | None = None,
                  before: str | None = None) -> keyset.Page:
    """Rows of LISTED."""
    if not is_voter(member):
        return keyset.Page([], None, None)
    return keyset.page_of("awaiting", _awaiting(member.organisation_id is not None, *LISTED),
                          KEY, size, after=after, before=before, params=_today_values(member))


def voted_page(member: User, size: int, *, after: str | None = None,
               before: str | None = None) -> keyset.Page:
    """Rows of LISTED and the member's choice."""
    return keyset.page_of("voted", _voted(*LISTED, Vote.choice), KEY, size,
                          after=after, before=before, params=_today_values(member))


def open_page(user: User, size: int, *, after: str | None = None,
              before: str | None = None, today: date | None = None) -> keyset.Page:
    """Rows of LISTED but the due day, the file's fund code, and whether the user presides
    over the ballot, whether anyone may, and whether the user is recused from it."""
    today = today or date.today()
    query = _open_listed(user.organisation_id is not None, may_preside(user, today))
    return keyset.page_of("open", query, KEY, size, after=after, before=before,
                          params=viewer_values(user, today))


def counts(user: User, limit: int, *, member: bool, chair: bool) -> dict[str, int]:
    """The committee page's counts, each up to `limit`, in one pass over the open ballots:
    those awaiting the member's vote and those they voted on ("awaiting", "voted"), and the
    chair's open ballots of their committees ("open"), where a statement a count would walk
    them once each. Kept by the worker until the files or the people move, as count_to_close
    is."""
    names = (("awaiting", "voted") if member and is_voter(user) else ()) + (
        ("open",) if chair else ())
    if not names:
        return {}
    # Kept as the home page's counts are: a few thousand open ballots weighed a view.
    found = kept_for_lists("committee page counts", (user.id, limit, names),
                           lambda: _counted(user, names))
    return {name: min(count, limit) for name, count in zip(names, found, strict=True)}


def _counted(user: User, names: tuple[str, ...]) -> tuple[int, ...]:
    return tuple(db.session.execute(_counting(user.organisation_id is not None, names),
                                    _today_values(user)).one())


@cache
def _counting(has_organisation: bool, names: tuple[str, ...]) -> Select:
    # Each open ballot's file and the viewer's vote looked up by their keys, a ballot at a
    # time (scalar subqueries): joined, PostgreSQL read every file and every vote of the
    # viewer into hashes, a cost that grew with the books where only the open ballots (a
    # few thousand at most) need be read.
    def of_file(condition):
        return (select(condition).where(Application.id == Ballot.application_id)
                .correlate(Ballot).scalar_subquery())

    voted = (select(Vote.id).where(Vote.ballot_id == Ballot.id, Vote.member_id == VIEWER_ID)
             .correlate(Ballot).scalar_subquery()).is_not(None)
    conditions = {
        "awaiting": lambda: of_file(Application.fund_id.in_(MEMBER_FUNDS)
                                    & ~viewer_recused(has_organisation)) & ~voted,
        "voted": lambda: voted,
        "open": lambda: of_file(Application.fund_id.in_(OFFICE_FUNDS))}
    return (select(*(func.count().filter(conditions[name]()).label(name) for name in names))
            .select_from(Ballot).where(Ballot.state == "open"))


def count_awaiting(member: User, limit: int | None = None) -> int:
    if not is_voter(member):
        return 0
    return count_of(_awaiting(member.organisation_id is not None, Ballot.id), limit,
                  _today_values(member))


# The two counts below weigh every open ballot's committee (a few thousand at 100,000 files)
# for the home page: each is kept by the worker until the files or the people move (a
# ballot, a vote, a seat, an absence or an account: workflow.engine.kept) or the day changes.

def count_to_close(user: User, limit: int | None = None, today: date | None = None) -> int:
    """The open ballots the user presides over now (those they may close)."""
    today = today or date.today()
    return kept_for_lists("ballots to close", (user.id, limit, today), lambda: count_of(
        _presided(user, Ballot.id).where(presides(user, today)), limit))


def count_of(query: Select, limit: int | None, params: dict | None = None) -> int:
    """Exact, or up to `limit`: from the indexes alone, no ballot loaded."""
    if limit is not None:
        return keyset.count_up_to(query, limit, params)
    return db.session.scalar(select(func.count()).select_from(query.subquery()), params)
