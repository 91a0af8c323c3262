"""An application's ballots as the committee panel reads them: plain records from one
statement, not loaded Ballots.

The ORM sets up its joined eager loading (ballot → votes → member, ballot → conflicts →
member) on every execution, which cost the application page far more than reading the
same rows as they come (the benchmark measures it). The records carry the
attribute names of Ballot, Vote and ConflictDeclaration, so the rules that read a ballot
(the tally, who is eligible, the recusal reason) read them as they read loaded objects.
They are a snapshot for one page: nothing writes through them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime

from sqlalchemy import bindparam, select

from models import Application, Ballot, ConflictDeclaration, User, Vote, db
from workflow.engine import reading
from workflow.engine.kept import page_rows


@dataclass(frozen=True, slots=True)
class Member:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class VoteRecord:
    id: int
    member_id: int
    choice: str
    comment: str
    cast_at: datetime
    changed_at: datetime | None
    changes: int
    member: Member


@dataclass(frozen=True, slots=True)
class ConflictRecord:
    id: int
    member_id: int
    reason: str
    declared_at: datetime
    member: Member


@dataclass(slots=True)
class BallotRecord:
    """A ballot's columns, its application (as loaded for the page), its votes in the
    order cast and its declared conflicts."""

    id: int
    application_id: int
    number: int
    state: str
    opened_at: datetime
    opened_by_id: int | None
    due_on: datetime | None
    closed_at: datetime | None
    closed_by_id: int | None
    outcome: str | None
    eligible_count: int | None
    approvals: int | None
    rejections: int | None
    abstentions: int | None
    casting_vote: str | None
    version: int
    application: Application | None = None
    votes: list[VoteRecord] = field(default_factory=list)
    conflicts: list[ConflictRecord] = field(default_factory=list)


_BALLOT_COLUMNS = tuple(f.name for f in fields(BallotRecord)
                        if f.name not in ("application", "votes", "conflicts"))
_VOTE_COLUMNS = ("id", "member_id", "choice", "comment", "cast_at", "changed_at", "changes")
_CONFLICT_COLUMNS = ("id", "member_id", "reason", "declared_at")

_ballots, _votes, _conflicts = Ballot.__table__, Vote.__table__, ConflictDeclaration.__table__
_voter, _declarer = User.__table__.alias("voter"), User.__table__.alias("declarer")
# The same rows the eager loads read: a ballot, times its votes, times its conflicts (a
# handful of each), with the members' names.
_BALLOTS_WITH_VOTES = (
    select(*(_ballots.c[n] for n in _BALLOT_COLUMNS), *(_votes.c[n] for n in _VOTE_COLUMNS),
           _voter.c.name, *(_conflicts.c[n] for n in _CONFLICT_COLUMNS), _declarer.c.name)
    .outerjoin(_votes, _votes.c.ballot_id == _ballots.c.id)
    .outerjoin(_voter, _voter.c.id == _votes.c.member_id)
    .outerjoin(_conflicts, _conflicts.c.ballot_id == _ballots.c.id)
    .outerjoin(_declarer, _declarer.c.id == _conflicts.c.member_id)
    .where(_ballots.c.application_id == bindparam("application_id"))
    .order_by(_ballots.c.number, _votes.c.id, _conflicts.c.id))

_B, _V, _C = len(_BALLOT_COLUMNS), len(_VOTE_COLUMNS), len(_CONFLICT_COLUMNS)


@reading.memoised
def ballots_with_votes(application: Application) -> list[BallotRecord]:
    """All ballots of an application with their votes and conflicts and the members' names,
    the first first, in one statement: what the committee panel and the recusal rule read."""
    found: dict[int, BallotRecord] = {}
    seen_votes, seen_conflicts = set(), set()
    rows = page_rows("ballots", application.id, lambda: db.session.connection().execute(
        _BALLOTS_WITH_VOTES, {"application_id": application.id}).all())
    for row in rows:
        ballot = found.get(row[0])
        if ballot is None:
            ballot = found[row[0]] = BallotRecord(*row[:_B], application=application)
        vote = row[_B:_B + _V]
        if vote[0] is not None and vote[0] not in seen_votes:
            seen_votes.add(vote[0])
            ballot.votes.append(VoteRecord(*vote, Member(vote[1], row[_B + _V])))
        conflict = row[_B + _V + 1:_B + _V + 1 + _C]
        if conflict[0] is not None and conflict[0] not in seen_conflicts:
            seen_conflicts.add(conflict[0])
            ballot.conflicts.append(ConflictRecord(*conflict, Member(conflict[1], row[-1])))
    return list(found.values())
