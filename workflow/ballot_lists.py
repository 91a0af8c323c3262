"""The committee's work lists: ballots awaiting a member's vote, the member's votes still
open to change, and every open ballot (the chair's). Each is read a page at a time, the
oldest ballot first (workflow.keyset), and counted up to a limit: at 100,000 applications
two thousand ballots may be open at once."""

from __future__ import annotations

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import contains_eager

from models import Application, Ballot, ConflictDeclaration, GrantPartner, User, Vote, db

from . import keyset
from .tallies import VOTER_ROLE

# Oldest first: the longer a ballot is open, the sooner it is due.
KEY = (Ballot.opened_at, Ballot.id)


def is_voter(user: User | None) -> bool:
    """An active committee member (whether or not recused from a given ballot)."""
    return user is not None and bool(user.active) and user.has_role(VOTER_ROLE)


def _open(*columns) -> Select:
    return (select(*columns).join(Ballot.application)
            .where(Ballot.state == "open", Application.state == "committee_review"))


def _with_files(query: Select) -> Select:
    # With each file, its organisation and fund: the lists show them, the tally's rule reads it.
    return query.options(
        contains_eager(Ballot.application).joinedload(Application.organisation),
        contains_eager(Ballot.application).joinedload(Application.fund))


def _awaiting(member: User, *columns) -> Select:
    query = _open(*columns).where(
        ~exists().where(Vote.ballot_id == Ballot.id, Vote.member_id == member.id),
        ~exists().where(ConflictDeclaration.ballot_id == Ballot.id,
                        ConflictDeclaration.member_id == member.id))
    if member.organisation_id is not None:
        query = query.where(
            Application.organisation_id != member.organisation_id,
            ~exists().where(GrantPartner.application_id == Application.id,
                            GrantPartner.organisation_id == member.organisation_id))
    return query


def _voted(member: User, *columns) -> Select:
    return _open(*columns).join(Vote, (Vote.ballot_id == Ballot.id)
                                & (Vote.member_id == member.id))


def ballots_awaiting(member: User) -> list[Ballot]:
    """Open ballots this member may vote on and has not voted on yet, oldest first."""
    if not is_voter(member):
        return []
    return list(db.session.scalars(_with_files(_awaiting(member, Ballot)).order_by(*KEY)))


def votes_open_to_change(member: User) -> list[tuple[Ballot, Vote]]:
    """The member's votes on ballots still open (each can still be changed), oldest first."""
    rows = db.session.execute(_with_files(_voted(member, Ballot, Vote)).order_by(*KEY)).all()
    return [(ballot, vote) for ballot, vote in rows]


def open_ballots() -> list[Ballot]:
    """Every open ballot, oldest first (the chair's list)."""
    return list(db.session.scalars(_with_files(_open(Ballot)).order_by(*KEY)))


# --- a page at a time ----------------------------------------------------------------------

def awaiting_page(member: User, size: int, *, after: str | None = None,
                  before: str | None = None) -> keyset.Page:
    if not is_voter(member):
        return keyset.Page([], None, None)
    return keyset.page_of("awaiting", _with_files(_awaiting(member, Ballot)), KEY, size,
                          after=after, before=before)


def voted_page(member: User, size: int, *, after: str | None = None,
               before: str | None = None) -> keyset.Page:
    """Rows of (ballot, the member's vote)."""
    return keyset.page_of("voted", _with_files(_voted(member, Ballot, Vote)), KEY, size,
                          after=after, before=before)


def open_page(size: int, *, after: str | None = None, before: str | None = None
              ) -> keyset.Page:
    return keyset.page_of("open", _with_files(_open(Ballot)), KEY, size, after=after,
                          before=before)


def count_awaiting(member: User, limit: int | None = None) -> int:
    if not is_voter(member):
        return 0
    return _count(_awaiting(member, Ballot.id), limit)


def count_voted(member: User, limit: int | None = None) -> int:
    # EXISTS, not the join: the open ballots are walked and each looked up in the member's
    # votes, not the member's thousands of votes each looked up in the ballots.
    return _count(_open(Ballot.id).where(exists().where(
        Vote.ballot_id == Ballot.id, Vote.member_id == member.id)), limit)


def count_open(limit: int | None = None) -> int:
    return _count(_open(Ballot.id), limit)


def _count(query: Select, limit: int | None) -> int:
    """Exact, or up to `limit`: from the indexes alone, no ballot loaded."""
    if limit is not None:
        return keyset.count_up_to(query, limit)
    return db.session.scalar(select(func.count()).select_from(query.subquery()))
