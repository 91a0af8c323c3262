"""The count of committee ballots: the decision rule per fund, who is eligible, the tally.

For one ballot or for a page of them at once: the chair's list of open ballots and the
committee panel cost the same few grouped queries whatever their number
(workflow.committee.ballots keeps the votes themselves).

The decision rule per fund (DESIGN.md "Committee decision rule"):

* eligible voters: active members of the file's programme committee (a member's seat on
  the committee of its fund: workflow.people.committees), less those recused (members of the
  applying organisation or of a partner organisation, and those who declared a conflict
  of interest on this ballot);
* quorum: votes cast by eligible voters, abstentions included, must reach
  `ceil(eligible × quorum)`, and at least one vote (`DECISION_RULES`, keyed by
  fund code; the default fraction is 1/2). A ballot nobody may vote on is never decided
  (workflow.committee.decision refuses to close it): it waits for a member who may vote.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from sqlalchemy import and_, bindparam, func, inspect, select
from sqlalchemy.orm import aliased

from models import Application, Ballot, CommitteeSeat, ConflictDeclaration, User, Vote, db
from workflow.engine import reading
from workflow.grants.participation import partners_of
from workflow.people import committees

from .filters import holding

if TYPE_CHECKING:
    from .ballot_records import BallotRecord

VOTER_ROLE = "committee_member"


@dataclass(frozen=True)
class DecisionRule:
    """How a fund's committee decides.

    `quorum` is the fraction of eligible voters whose votes (abstentions included) must be
    cast; `voting_days` sets the ballot's due date, shown to members (it closes nothing).
    """

    quorum: Fraction = Fraction(1, 2)
    voting_days: int = 14


# Keyed by fund code; a fund without an entry uses DEFAULT_RULE.
DEFAULT_RULE = DecisionRule()
DECISION_RULES: dict[str, DecisionRule] = {
    "WNF": DecisionRule(quorum=Fraction(1, 2)),
    "SME": DecisionRule(quorum=Fraction(1, 2)),
}


def decision_rule(fund_code: str) -> DecisionRule:
    """The decision rule of a fund (by code)."""
    return DECISION_RULES.get(fund_code, DEFAULT_RULE)


def quorum_for(eligible: int, rule: DecisionRule = DEFAULT_RULE) -> int:
    """Votes needed for a quorum: the fraction of the eligible, rounded up, and never 0.

    A ballot nobody may vote on has no quorum, so it is deferred rather than decided.
    """
    return max(1, math.ceil(eligible * rule.quorum))


@dataclass(frozen=True)
class Tally:
    """The count of a ballot, from the eligible voters' votes only."""

    eligible: int
    approvals: int
    rejections: int
    abstentions: int
    quorum_needed: int

    @property
    def cast(self) -> int:
        return self.approvals + self.rejections + self.abstentions

    @property
    def quorum_met(self) -> bool:
        return self.cast >= self.quorum_needed

    @property
    def tie(self) -> bool:
        return self.approvals == self.rejections

    @property
    def leading(self) -> str:
        """"approved", "rejected" or "tie", as things stand (quorum aside)."""
        if self.approvals > self.rejections:
            return "approved"
        if self.rejections > self.approvals:
            return "rejected"
        return "tie"

    def as_dict(self) -> dict:
        return {"eligible": self.eligible, "approvals": self.approvals,
                "rejections": self.rejections, "abstentions": self.abstentions,
                "cast": self.cast, "quorum_needed": self.quorum_needed,
                "quorum_met": self.quorum_met, "tie": self.tie, "leading": self.leading}


# --- who is eligible ---------------------------------------------------------------------

def _recusing_organisations_of(applications: Iterable[Application]
                               ) -> dict[int, dict[int, str]]:
    """Per application id: organisation id → "applying" or "partner"."""
    applications = list(applications)
    found = partners_of([a for a in applications if a.kind == "grant"])  # a loan has none
    result = {}
    for application in applications:
        orgs = dict.fromkeys((o.id for o in found.get(application.id, ())), "partner")
        orgs[application.organisation_id] = "applying"
        result[application.id] = orgs
    return result


def recusing_organisations(application: Application) -> dict[int, str]:
    """Organisation id → "applying" or "partner" for the application's own and partners'."""
    return _recusing_organisations_of([application])[application.id]


def trusts_loaded(ballot: Ballot | BallotRecord, name: str) -> bool:
    """Whether to trust the ballot's loaded votes or conflicts: only while a page reads
    (rows added since by id would be missing from a collection loaded before). A ballot
    read as a record (workflow.committee.ballot_records) has both."""
    if not reading.active():
        return False
    state = inspect(ballot, raiseerr=False)
    return state is None or name not in state.unloaded


def _rows_per_ballot(ballots: list[Ballot], name: str, model, columns) -> dict[int, list]:
    """Per ballot id, (member id, …) rows of votes or conflicts: from the loaded
    collections while a page reads, else from one query for all the ballots."""
    rows: dict[int, list] = {b.id: [] for b in ballots}
    wanted = []
    for ballot in ballots:
        if trusts_loaded(ballot, name):
            rows[ballot.id] = [tuple(getattr(r, c) for c in columns)
                               for r in getattr(ballot, name)]
        else:
            wanted.append(ballot.id)
    if wanted:
        for ballot_id, *values in db.session.execute(
                select(model.ballot_id, *(getattr(model, c) for c in columns))
                .where(model.ballot_id.in_(wanted))):
            rows[ballot_id].append(tuple(values))
    return rows


def active_voters(fund_id: int) -> list[tuple[int, int | None]]:
    """(user id, organisation id) of every active member of the fund's committee."""
    return committees.members_of(fund_id)


def eligible_voters(ballots: Iterable[Ballot]) -> dict[int, set[int]]:
    """Per ballot id, the ids of the active members of its committee not recused from it."""
    ballots = list(ballots)
    if not ballots:
        return {}
    orgs = _recusing_organisations_of({b.application_id: b.application
                                       for b in ballots}.values())
    conflicts = _rows_per_ballot(ballots, "conflicts", ConflictDeclaration, ("member_id",))
    result = {}
    for ballot in ballots:
        recusing, conflicted = orgs[ballot.application_id], {m for (m,) in conflicts[ballot.id]}
        voters = active_voters(ballot.application.fund_id)
        result[ballot.id] = {user_id for user_id, org_id in voters
                             if (org_id is None or org_id not in recusing)
                             and user_id not in conflicted}
    return result


def eligible_voter_ids(ballot: Ballot) -> set[int]:
    """Ids of the active members of the ballot's committee not recused from it."""
    return eligible_voters([ballot])[ballot.id]


# --- the tally -----------------------------------------------------------------------------

def tallies(ballots: Iterable[Ballot]) -> dict[int, Tally]:
    """Per ballot id, the count: live for an open ballot, as recorded for a closed one.

    Many ballots cost the same few grouped queries as one (the chair's list of open ones).
    """
    result, live = {}, []
    for ballot in ballots:
        rule = decision_rule(ballot.application.fund.code)
        if ballot.state == "closed" and ballot.eligible_count is not None:
            result[ballot.id] = Tally(
                ballot.eligible_count, ballot.approvals or 0, ballot.rejections or 0,
                ballot.abstentions or 0, quorum_for(ballot.eligible_count, rule))
        else:
            live.append((ballot, rule))
    eligible = eligible_voters(b for b, _ in live)
    votes = _rows_per_ballot([b for b, _ in live], "votes", Vote, ("member_id", "choice"))
    for ballot, rule in live:
        voters = eligible[ballot.id]
        counts = Counter(choice for member_id, choice in votes[ballot.id] if member_id in voters)
        result[ballot.id] = Tally(len(voters), counts["approve"], counts["reject"],
                                  counts["abstain"], quorum_for(len(voters), rule))
    return result


# Per open ballot, its eligible voters (filters.holding: the rule above, in SQL) and their
# votes by choice: a row per eligible voter, with their vote if any (one a ballot at most).
_VOTER, _SEAT = aliased(User), aliased(CommitteeSeat)
_COUNTED = (select(Ballot.id, func.count(),
                   *(func.count(Vote.id).filter(Vote.choice == choice)
                     for choice in ("approve", "reject", "abstain")))
            .select_from(Ballot).join(Ballot.application)
            .join(_SEAT, _SEAT.fund_id == Application.fund_id)
            .join(_VOTER, _VOTER.id == _SEAT.user_id)
            .outerjoin(Vote, and_(Vote.ballot_id == Ballot.id, Vote.member_id == _VOTER.id))
            .where(Ballot.id.in_(bindparam("ballot_ids", expanding=True)),
                   *holding(_VOTER, _SEAT, ("member",)))
            .group_by(Ballot.id))


def open_tallies(fund_codes: dict[int, str]) -> dict[int, Tally]:
    """Per open ballot id (given with its file's fund code), the live count of tallies(),
    in one grouped statement: for a list that loads no ballot (the chair's open ones)."""
    if not fund_codes:
        return {}
    found = {ballot_id: counts for ballot_id, *counts in db.session.execute(
        _COUNTED, {"ballot_ids": list(fund_codes)})}
    result = {}
    for ballot_id, code in fund_codes.items():
        eligible, approvals, rejections, abstentions = found.get(ballot_id, (0, 0, 0, 0))
        result[ballot_id] = Tally(eligible, approvals, rejections, abstentions,
                                  quorum_for(eligible, decision_rule(code)))
    return result


def tally(ballot: Ballot) -> Tally:
    """The count: live for an open ballot, as recorded for a closed one."""
    return tallies([ballot])[ballot.id]
