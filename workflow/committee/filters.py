"""The committee rules as SQL conditions on a ballot and its file, for the work lists.

They say in a statement what workflow.committee.tally (who may vote) and
workflow.committee.presiding (who presides) say of one ballot, so that a list of open
ballots is filtered and counted by the database, a page at a time, without a query per row.
Each condition refers to Ballot and Application, which the enclosing statement joins.
"""

from __future__ import annotations

from datetime import date
from functools import cache

from sqlalchemy import and_, exists, false, or_, select
from sqlalchemy.orm import aliased

from models import Application, Ballot, CommitteeSeat, ConflictDeclaration, GrantPartner, User
from workflow.people.committees import funds_seated


def recused(user_id, organisation_id):
    """The person (their id and organisation, columns or values) is recused from the ballot:
    a member of the applying or a partner organisation, or a declared conflict."""
    # Correlated to the enclosing statement's file and ballot however deep the condition
    # sits (inside _someone_in's EXISTS too), never a FROM of their own.
    if organisation_id is None:
        by_organisation = false()
    else:
        by_organisation = or_(
            Application.organisation_id == organisation_id,
            exists().where(GrantPartner.application_id == Application.id,
                           GrantPartner.organisation_id == organisation_id)
            .correlate_except(GrantPartner))
        if not isinstance(organisation_id, int):  # a column: a person of no organisation
            # belongs to none (never NULL, which NOT would keep as NULL and so drop).
            by_organisation = and_(organisation_id.is_not(None), by_organisation)
    return or_(by_organisation, exists().where(ConflictDeclaration.ballot_id == Ballot.id,
                                               ConflictDeclaration.member_id == user_id)
               .correlate_except(ConflictDeclaration))


@cache
def _holders(seats: tuple[str, ...]):
    """The person and seat aliases of one kind of seat, made once: making an alias and
    adapting its columns cost more than the rest of a list's statement. Sibling EXISTS of
    the same kind may share them (each is a scope of its own)."""
    return aliased(User), aliased(CommitteeSeat)


def _someone_in(seats: tuple[str, ...], today: date | None = None):
    """Someone active and not recused holds one of these seats on the file's committee
    (and, given `today`, is not away on it)."""
    person, seat = _holders(seats)
    conditions = [seat.fund_id == Application.fund_id, seat.seat.in_(seats),
                  person.active.is_(True), ~recused(person.id, person.organisation_id)]
    if today is not None:
        conditions.append(or_(person.away_until.is_(None), person.away_until < today))
    return exists(select(seat.id).join(person, person.id == seat.user_id).where(*conditions)
                  .correlate_except(seat, person))


def someone_may_vote():
    """At least one member of the file's committee may vote on the ballot."""
    return _someone_in(("member",))


def someone_presides(today: date):
    """The chair or the deputy chair may act on the ballot (workflow.committee.presiding)."""
    return _someone_in(("chair", "deputy_chair"), today)


def _holds(user: User, seat: str):
    return exists().where(CommitteeSeat.fund_id == Application.fund_id,
                          CommitteeSeat.user_id == user.id, CommitteeSeat.seat == seat)


# The user's own seats are read once a page (workflow.people.committees) and the file's fund
# checked against them: asked of the seats in the statement, PostgreSQL walked the index of
# every seat by fund, once an open ballot.

def sits_as_member(user: User):
    """The user holds a member's seat on the file's committee."""
    return Application.fund_id.in_(sorted(funds_seated(user, ("member",))))


def holds_an_office(user: User):
    """The user chairs or deputises on the file's committee."""
    return Application.fund_id.in_(sorted(funds_seated(user, ("chair", "deputy_chair"))))


def presides(user: User, today: date):
    """The user presides over the ballot: the chair who may act, or the deputy chair who
    may act when the chair may not."""
    if not user.active or (user.away_until is not None and today <= user.away_until):
        return false()
    free = ~recused(user.id, user.organisation_id)
    return or_(and_(_holds(user, "chair"), free),
               and_(_holds(user, "deputy_chair"), free, ~_someone_in(("chair",), today)))
