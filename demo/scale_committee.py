"""Scale seed: committee ballots planned so that the recorded outcome follows the rule.

The eligible voters, the quorum and the outcome are those of workflow.committee.ballots: the members
of the file's programme committee, those of the applying or a partner organisation
recused; without a quorum the file is deferred; a tie is settled by the chair's casting
vote.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from workflow.committee.tally import decision_rule, quorum_for

from .scale_plan import Context, Plan
from .scale_world import World


def eligible_voters(world: World, fund_code: str, organisations: set[int]) -> list[int]:
    """Members of the fund's committee not recused (members of the applying or a partner
    organisation)."""
    return [user for user, org in world.members[fund_code]
            if org is None or org not in organisations]


def cast_votes(rng: random.Random, voters: list[int], outcome: str, needed: int
               ) -> tuple[list, str | None]:
    """Votes that give `outcome` (approved / rejected / deferred / open) when `needed` make a
    quorum: [(member, choice)], and the chair's casting vote when a tie needed one."""
    if outcome in ("deferred", "open"):
        count = rng.randrange(0, needed) if outcome == "deferred" else rng.randrange(
            0, len(voters))
        chosen = rng.sample(voters, count)
        return [(m, rng.choice(("approve", "approve", "reject", "abstain"))) for m in chosen], \
            None
    count = min(len(voters), needed + rng.choice((0, 0, 0, 1)))
    chosen = rng.sample(voters, count)
    winner, loser = ("approve", "reject") if outcome == "approved" else ("reject", "approve")
    if count >= 4 and rng.random() < 0.08:  # a tie the chair settles
        half = count // 2 if count % 2 == 0 else (count - 1) // 2
        choices = [winner] * half + [loser] * half + ["abstain"] * (count - 2 * half)
        rng.shuffle(choices)
        return list(zip(chosen, choices, strict=True)), winner
    majority = count // 2 + 1
    choices = [winner] * majority + [rng.choice((loser, "abstain"))
                                     for _ in range(count - majority)]
    rng.shuffle(choices)
    return list(zip(chosen, choices, strict=True)), None


def tally(votes: list) -> tuple[int, int, int]:
    """(approvals, rejections, abstentions) of planned votes."""
    approvals = sum(1 for _, c in votes if c == "approve")
    rejections = sum(1 for _, c in votes if c == "reject")
    return approvals, rejections, len(votes) - approvals - rejections


VOTE_COMMENTS = ("", "", "", "Well prepared.", "The budget is reasonable.",
                 "Clear objectives and a credible partner.", "Too expensive for its results.",
                 "The own contribution is thin.")


@dataclass
class Ballot:
    """A ballot being planned: its row (closed by `close`), votes and casting vote."""

    row: dict
    votes: list
    casting: str | None
    eligible: int
    quorum: int


def ballot(plan: Plan, ctx: Context, rng: random.Random, opened: datetime, number: int,
           opener: int, voters: list[int], outcome: str, ops: list,
           window_days: float) -> Ballot:
    """Open ballot `number` at `opened` (its row and "ballot_opened" event go into `ops`),
    then one moment per vote within `window_days`, so that `outcome` follows at closing."""
    ballot_id = ctx.ids.take("ballots")
    rule = decision_rule(plan.fund_code)
    row = {"id": ballot_id, "application_id": plan.app_id, "number": number, "state": "open",
           "opened_at": opened, "opened_by_id": opener,
           "due_on": opened + timedelta(days=rule.voting_days),
           "closed_at": None, "closed_by_id": None, "outcome": None, "eligible_count": None,
           "approvals": None, "rejections": None, "abstentions": None, "casting_vote": None,
           "version": 1}
    plan.row(ops, "ballots", row)
    plan.audit(ops, "ballot_opened", opener, "ballot", ballot_id,
               {"reference": plan.reference, "number": number, "eligible": len(voters)})
    needed = quorum_for(len(voters), rule)
    votes, casting = cast_votes(rng, voters, outcome, needed)
    times = sorted(opened + timedelta(days=rng.uniform(0.05, window_days)) for _ in votes)
    for (member, choice), when in zip(votes, times, strict=True):
        comment = rng.choice(VOTE_COMMENTS)
        vote_ops = plan.at(when)
        when = plan.last_time
        plan.row(vote_ops, "votes", {"id": ctx.ids.take("votes"), "ballot_id": ballot_id,
                                     "member_id": member, "choice": choice, "comment": comment,
                                     "cast_at": when, "changed_at": None, "changes": 0})
        data = {"reference": plan.reference, "ballot": number, "choice": choice}
        if comment:
            data["comment"] = comment
        plan.audit(vote_ops, "vote_cast", member, "ballot", ballot_id, data)
    return Ballot(row, votes, casting, len(voters), needed)


def close(ballot_: Ballot, when: datetime, chair: int, outcome: str) -> dict:
    """Close the ballot as close_ballot does; returns the decide event's ballot data."""
    approvals, rejections, abstentions = tally(ballot_.votes)
    ballot_.row.update(state="closed", closed_at=when, closed_by_id=chair, outcome=outcome,
                       eligible_count=ballot_.eligible, approvals=approvals,
                       rejections=rejections, abstentions=abstentions,
                       casting_vote=ballot_.casting, version=2)
    return {"outcome": outcome, "ballot": ballot_.row["number"], "eligible": ballot_.eligible,
            "approvals": approvals, "rejections": rejections, "abstentions": abstentions,
            "quorum_needed": ballot_.quorum, "casting_vote": ballot_.casting}
