"""What the scale seed writes for one application: its rows and events, moment by moment.

A `Plan` is the whole history of one application, decided in advance (demo.scale_grants
and demo.scale_loans make them) as a list of moments — a time and the
operations the workflow would have performed then: rows to insert, audit events, ledger
entries. demo.scale merges the plans of all applications in time order and writes
them, so that the audit chain and the ledger come out in the order things happened.

Each operation mirrors what the service writes for the same action (see workflow.engine.service,
decisions, tranches, repayments…): the same audit actions, object types and data keys.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from workflow.engine.deadlines import CLOCKS

from .scale_world import FundInfo, World

# Operation kinds (the first item of each operation tuple).
ROW, AUDIT, LEDGER, FILE = "row", "audit", "ledger", "file"
WORKDAY_SECONDS = 9 * 3600  # events fall between 09:00 and 18:00 in Tokyo (00:00–09:00 UTC)
TERMINAL = {"closed", "rejected", "withdrawn", "cancelled", "repaid", "written_off"}


class Ids:
    """Primary keys handed out in advance, continuing from what each table holds."""

    def __init__(self, first: dict[str, int]):
        self.next = dict(first)

    def take(self, table: str) -> int:
        """The next free id of `table`."""
        value = self.next[table]
        self.next[table] = value + 1
        return value


@dataclass
class Context:
    """What every plan needs: the world, the key allocator, the clock and the funds."""

    world: World
    ids: Ids
    today: date
    now: datetime
    first_day: date  # the first day of the oldest fiscal year generated

    def fund(self, code: str) -> FundInfo:
        """The fund of that code."""
        return self.world.funds[code]


def at_work(day: date, rng: random.Random) -> datetime:
    """A moment of a working day (UTC, naive, with microseconds as utcnow gives them)."""
    return datetime.combine(day, time()) + timedelta(
        seconds=rng.randrange(WORKDAY_SECONDS), microseconds=rng.randrange(1_000_000))


class Plan:
    """The moments of one application, in time order, and the row that sums them up."""

    __slots__ = ("app_id", "reference", "workflow", "fund_id", "fund_code", "moments",
                 "transitions", "last_time")

    def __init__(self, app_id: int, reference: str, workflow: str, fund_id: int,
                 fund_code: str):
        self.app_id, self.reference, self.workflow = app_id, reference, workflow
        self.fund_id, self.fund_code = fund_id, fund_code
        self.moments: list[tuple[datetime, list]] = []
        self.transitions: list[tuple[datetime, str, str]] = []  # (when, trigger, to_state)
        self.last_time: datetime | None = None

    def at(self, when: datetime) -> list:
        """The operations of a new moment; moments must come in time order."""
        if self.last_time is not None and when <= self.last_time:
            when = self.last_time + timedelta(seconds=1)
        self.last_time = when
        ops: list = []
        self.moments.append((when, ops))
        return ops

    @staticmethod
    def row(ops: list, table: str, values: dict) -> None:
        """A row to insert into `table`."""
        ops.append((ROW, table, values))

    @staticmethod
    def audit(ops: list, action: str, actor: int | None, object_type: str, object_id,
              data: dict, from_state: str | None = None, to_state: str | None = None) -> None:
        """An audit event other than a transition's (votes, tranche requests…)."""
        ops.append((AUDIT, action, actor, object_type, object_id, from_state, to_state, data))

    def fire(self, ops: list, when: datetime, trigger: str, actor: int | None,
             from_state: str, to_state: str, **data) -> None:
        """The service's one event per transition, with the data shape fire() writes."""
        base = {"reference": self.reference, "workflow": self.workflow, "workflow_version": 1}
        base.update(data)
        self.audit(ops, trigger, actor, "application", self.app_id, base, from_state, to_state)
        self.transitions.append((when, trigger, to_state))

    def ledger(self, ops: list, kind: str, amount: int, booked_on: date, actor: int | None,
               memo: str, **links) -> None:
        """A ledger entry of this application's fund and its audit event (ledger.post)."""
        ops.append((LEDGER, self.fund_id, self.fund_code, kind, amount, booked_on,
                    self.app_id, self.reference, actor, memo, links))


def comment_row(plan: Plan, ctx: Context, ops: list, when: datetime, author: int,
                trigger: str, body: str) -> None:
    """The comment the service stores with a transition given a comment or reason."""
    plan.row(ops, "comments", {"id": ctx.ids.take("comments"), "application_id": plan.app_id,
                               "author_id": author, "body": body, "visibility": "everyone",
                               "trigger": trigger, "created_at": when})


def steps_have(steps: list, name: str) -> bool:
    """Whether a script has a step of that name."""
    return any(s[1] == name for s in steps)


def window(steps: list, offset: float) -> float:
    """Days the ballot opened at `offset` stays open before the file's next step."""
    following = [s[0] for s in steps if s[0] > offset]
    return max(0.1, (following[0] - offset) * 0.95) if following else 14.0


def plan_request(plan: Plan, ctx: Context, ops: list, moment: datetime, money: dict,
                 amount: int, officer: int) -> None:
    """A finance officer requests the next tranche (tranches.request_tranche)."""
    number = len(money["tranches"]) + 1
    row = {"id": ctx.ids.take("tranches"), "application_id": plan.app_id, "number": number,
           "amount_yen": amount, "state": "requested", "note": "", "requested_by_id": officer,
           "requested_at": moment, "authorised_by_id": None, "released_at": None,
           "cancelled_by_id": None}
    money["tranches"].append(row)
    plan.row(ops, "tranches", row)
    plan.audit(ops, "tranche_requested", officer, "application", plan.app_id,
               {"reference": plan.reference, "tranche": number, "tranche_id": row["id"],
                "amount_yen": amount, "note": ""})


def plan_release(plan: Plan, ops: list, moment: datetime, money: dict, officer: int,
                 state: str, to_state: str = "in_implementation", **extra) -> str:
    """Another officer authorises the last requested tranche: release_tranche."""
    row = money["tranches"][-1]
    row.update(state="released", authorised_by_id=officer, released_at=moment)
    money["released"] += row["amount_yen"]
    plan.ledger(ops, "disbursement", row["amount_yen"], moment.date(), officer,
                f"Tranche {row['number']} of {plan.reference}", tranche_id=row["id"])
    plan.fire(ops, moment, "release_tranche", officer, state, to_state, **extra,
              tranche=row["number"], tranche_id=row["id"], amount_yen=row["amount_yen"])
    return to_state


def finish(plan: Plan, app: dict, state: str, fund: FundInfo) -> None:
    """State, version, last change and due date, as the transitions left them."""
    app["state"] = state
    app["version"] += len(plan.transitions)
    app["updated_at"] = plan.last_time
    due, previous = None, None
    for when, _, to_state in plan.transitions:
        if to_state != previous:
            setting = CLOCKS.get(to_state)
            due = (when.date() + timedelta(days=getattr(fund, setting))) if setting else None
        previous = to_state
        app["state_changed_at"] = when
    app["due_on"] = due
