"""The committee rules as SQL conditions on a ballot and its file, for the work lists.

They say in a statement what workflow.committee.tally (who may vote) and
workflow.committee.presiding (who presides) say of one ballot, so that a list of open
ballots is filtered and counted by the database, a page at a time, without a query per row.
Each condition refers to Ballot and Application, which the enclosing statement joins.
"""

from __future__ import annotations

from datetime import date
from functools import cache

from sqlalchemy import (
    BindParameter,
    Date,
    Integer,
    and_,
    bindparam,
    exists,
    false,
    literal,
    or_,
    select,
)
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
        # The file's partners asked by the file (IN), not EXISTS: PostgreSQL would hash
        # every partner of every file for it.
        organisation = (literal(organisation_id, Integer) if isinstance(organisation_id, int)
                        else organisation_id)
        by_organisation = or_(
            Application.organisation_id == organisation_id,
            organisation.in_(select(GrantPartner.organisation_id)
                             .where(GrantPartner.application_id == Application.id)
                             .correlate_except(GrantPartner)))
        if not isinstance(organisation_id, int | BindParameter):  # a column: a person of
            # no organisation belongs to none (never NULL, which NOT would keep as NULL and
            # so drop).
            by_organisation = and_(organisation_id.is_not(None), by_organisation)
    return or_(by_organisation, exists().where(ConflictDeclaration.ballot_id == Ballot.id,
                                               ConflictDeclaration.member_id == user_id)
               .correlate_except(ConflictDeclaration))


# The viewer's values as bound parameters: the committee page's statements are built once
# (workflow.committee.lists) and given these a page (viewer_values).
VIEWER_ID = bindparam("viewer_id", type_=Integer)
VIEWER_ORGANISATION_ID = bindparam("viewer_organisation_id", type_=Integer)
TODAY = bindparam("today", type_=Date)
MEMBER_FUNDS = bindparam("member_funds", expanding=True)
OFFICE_FUNDS = bindparam("office_funds", expanding=True)


def viewer_values(user: User, today: date) -> dict:
    """The parameters above for this user on this day."""
    return {"viewer_id": user.id, "viewer_organisation_id": user.organisation_id,
            "today": today, "member_funds": sorted(funds_seated(user, ("member",))),
            "office_funds": sorted(funds_seated(user, ("chair", "deputy_chair")))}


def viewer_recused(has_organisation: bool):
    """recused() of the viewer (VIEWER_ID, VIEWER_ORGANISATION_ID when they have one)."""
    return recused(VIEWER_ID, VIEWER_ORGANISATION_ID if has_organisation else None)


@cache
def _holders(seats: tuple[str, ...]):
    """The person and seat aliases of one kind of seat, made once: making an alias and
    adapting its columns cost more than the rest of a list's statement. Sibling EXISTS of
    the same kind may share them (each is a scope of its own)."""
    return aliased(User), aliased(CommitteeSeat)


def holding(person, seat, seats: tuple[str, ...], today=None) -> list:
    """The conditions that the person (joined to the seat) holds one of these seats on the
    file's committee, is active and not recused from the ballot (and, given `today`, is not
    away on it): who may vote (a member's seat) or preside, as workflow.committee.tally and
    presiding say."""
    conditions = [seat.fund_id == Application.fund_id, seat.seat.in_(seats),
                  person.active.is_(True),
                  ~recused(person.id, person.organisation_id)]
    if today is not None:
        conditions.append(or_(person.away_until.is_(None), person.away_until < today))
    return conditions


def _someone_in(seats: tuple[str, ...], today=None):
    """Someone active and not recused holds one of these seats on the file's committee
    (and, given `today`, is not away on it)."""
    person, seat = _holders(seats)
    return exists(select(seat.id).join(person, person.id == seat.user_id)
                  .where(*holding(person, seat, seats, today))
                  .correlate_except(seat, person))


def someone_may_vote():
    """At least one member of the file's committee may vote on the ballot."""
    return _someone_in(("member",))


def someone_presides(today):
    """The chair or the deputy chair may act on the ballot (workflow.committee.presiding);
    `today` a date or TODAY."""
    return _someone_in(("chair", "deputy_chair"), today)


def _holds(user_id, seat: str):
    return exists().where(CommitteeSeat.fund_id == Application.fund_id,
                          CommitteeSeat.user_id == user_id, CommitteeSeat.seat == seat)


# The user's own seats are read once a page (workflow.people.committees) and the file's fund
# checked against them (holds_an_office, and MEMBER_FUNDS and OFFICE_FUNDS above): asked of
# the seats in the statement, PostgreSQL walked the index of every seat by fund, once an
# open ballot.

def holds_an_office(user: User):
    """The user chairs or deputises on the file's committee."""
    return Application.fund_id.in_(sorted(funds_seated(user, ("chair", "deputy_chair"))))


def may_preside(user: User, today: date) -> bool:
    """Active and not away: else the user presides over no ballot this day."""
    return bool(user.active) and not (user.away_until is not None
                                      and today <= user.away_until)


def presides(user: User, today: date):
    """The user presides over the ballot: the chair who may act, or the deputy chair who
    may act when the chair may not."""
    if not may_preside(user, today):
        return false()
    return _presiding(user.id, user.organisation_id, today)


def viewer_presides(has_organisation: bool):
    """presides() of the viewer (VIEWER_ID, …, TODAY), who may_preside()."""
    return _presiding(VIEWER_ID, VIEWER_ORGANISATION_ID if has_organisation else None, TODAY)


def _presiding(user_id, organisation_id, today):
    free = ~recused(user_id, organisation_id)
    return or_(and_(_holds(user_id, "chair"), free),
               and_(_holds(user_id, "deputy_chair"), free, ~_someone_in(("chair",), today)))
