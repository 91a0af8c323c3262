"""The secretariat's list: the open ballots that nobody may vote on or nobody may close
("waiting for the secretariat"), a page at a time, oldest first, and counted.

Seldom is any ballot stuck, and asked of every open ballot the rule (filters.someone_may_vote,
filters.someone_presides) costs as many lookups of the seats and recusals as there are open
ballots. It is turned around: a committee's seats are few, so they are read once. A fund
whose committee has no active member, or no chair or deputy chair free to act this day, may
have every open ballot stuck ("whole funds"). Otherwise a ballot can be stuck only if some
one chosen member (and one chosen presiding officer) of its committee is recused from it:
the ballots of their organisation's files, of the files their organisation is a partner of,
and those they declared a conflict on, each found by an index. Those suspects, few, are then
held to the rule itself, so the rows are the rule's rows.
"""

from __future__ import annotations

from datetime import date
from functools import cache

from sqlalchemy import Select, bindparam, exists, or_, select, union

from models import Application, Ballot, ConflictDeclaration, Fund, GrantPartner, Organisation, db
from workflow.engine import keyset
from workflow.engine.kept import kept_for_lists
from workflow.people.committees import members_of, officers_of

from .filters import TODAY, may_preside, someone_may_vote, someone_presides
from .lists import KEY, LISTED, count_of, of_open_ballots, with_files

SUSPECTS = bindparam("suspects", expanding=True)
WHOLE_FUNDS = bindparam("whole_funds", expanding=True)
_ORGANISATIONS = bindparam("organisations", expanding=True)
_PEOPLE = bindparam("people", expanding=True)
# Made once, so that the statements below are built once (cached by their columns).
VOTABLE = someone_may_vote().label("votable")
PRESIDED = someone_presides(TODAY).label("presided")

# Organisations (of the given) that have a file or are a partner of one: a person of such an
# organisation may be recused from a ballot by it.
_WITH_FILES = select(Organisation.id).where(
    Organisation.id.in_(_ORGANISATIONS),
    or_(exists().where(Application.organisation_id == Organisation.id),
        exists().where(GrantPartner.organisation_id == Organisation.id)))

# The open ballots one of the people (of these organisations) is recused from.
_RECUSED_FROM = union(
    select(Ballot.id).join(Application, Application.id == Ballot.application_id)
    .where(Ballot.state == "open", Application.organisation_id.in_(_ORGANISATIONS)),
    select(Ballot.id).join(GrantPartner, GrantPartner.application_id == Ballot.application_id)
    .where(Ballot.state == "open", GrantPartner.organisation_id.in_(_ORGANISATIONS)),
    select(Ballot.id).join(ConflictDeclaration, ConflictDeclaration.ballot_id == Ballot.id)
    .where(Ballot.state == "open", ConflictDeclaration.member_id.in_(_PEOPLE)))


def suspects(today: date) -> dict:
    """The parameters of the statements below this day: the whole funds and the suspect
    ballots. Kept by the worker until the files or the people move, or the day changes."""
    whole, ballots = kept_for_lists("stuck suspects", (today,), lambda: _suspects(today))
    return {"whole_funds": list(whole), "suspects": list(ballots), "today": today}


def _suspects(today: date) -> tuple[tuple[int, ...], tuple[int, ...]]:
    whole, chosen = [], []
    for fund in db.session.scalars(select(Fund.id).order_by(Fund.id)):
        voters = members_of(fund)
        officers = officers_of(fund)
        presiding = [(person.id, person.organisation_id)
                     for person in (officers.chair, officers.deputy)
                     if person is not None and may_preside(person, today)]
        if not voters or not presiding:
            whole.append(fund)
        else:
            chosen += [voters, presiding]
    if not chosen:
        return tuple(whole), ()
    organisations = sorted({org for people in chosen for _id, org in people if org is not None})
    busy = set(db.session.scalars(_WITH_FILES, {"organisations": organisations})
               ) if organisations else set()

    def fewest_recusals(person: tuple[int, int | None]) -> tuple:
        # One of no organisation, or of one with no file, is recused by a conflict only.
        person_id, organisation = person
        return (organisation is not None and organisation in busy, person_id)

    people = [min(group, key=fewest_recusals) for group in chosen]
    found = db.session.scalars(_RECUSED_FROM, {
        "organisations": sorted({org for _id, org in people if org is not None}),
        "people": sorted({person_id for person_id, _org in people})})
    return tuple(whole), tuple(sorted(set(found)))


@cache
def _stuck(with_whole_funds: bool, *columns) -> Select:
    suspect = Ballot.id.in_(SUSPECTS)
    if with_whole_funds:
        suspect = or_(suspect, Application.fund_id.in_(WHOLE_FUNDS))
    return of_open_ballots(*columns).where(
        suspect, or_(~someone_may_vote(), ~someone_presides(TODAY)))


def _listed(params: dict, *columns) -> Select:
    return _stuck(bool(params["whole_funds"]), *columns)


def stuck_ballots(today: date | None = None) -> list[tuple]:
    """(ballot, anyone may vote, anyone may close) of every open ballot that nobody may
    vote on or nobody may close, oldest first."""
    params = suspects(today or date.today())
    query = with_files(_listed(params, Ballot, VOTABLE, PRESIDED)).order_by(*KEY)
    return [tuple(row) for row in db.session.execute(query, params)]


def stuck_page(size: int, *, after: str | None = None, before: str | None = None,
               today: date | None = None) -> keyset.Page:
    """Rows of LISTED, whether anyone may vote on it and whether anyone may close it."""
    params = suspects(today or date.today())
    return keyset.page_of("stuck", _listed(params, *LISTED, VOTABLE, PRESIDED), KEY, size,
                          after=after, before=before, params=params)


def count_stuck(limit: int | None = None, today: date | None = None) -> int:
    """The open ballots nobody may vote on or nobody may close."""
    today = today or date.today()
    return kept_for_lists("stuck ballots", (limit, today), lambda: _count_of(limit, today))


def _count_of(limit: int | None, today: date) -> int:
    params = suspects(today)
    return count_of(_listed(params, Ballot.id), limit, params)
