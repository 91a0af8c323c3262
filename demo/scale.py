"""`flask demo seed --scale N`: N applications with ten years of history, written in bulk.

Going through service.fire for millions of steps would take hours, so the histories are
planned in Python (demo.scale_grants / demo.scale_loans) and written with Core
INSERTs, a batch per transaction. What is written is what the workflow would have written:
states reachable by the definitions, version counters, references numbered per fund and
fiscal year (and reference_counters moved on), one audit event per transition with the
service's data, ballots and votes that give the recorded outcome, tranches, schedules and
repayments, and ledger entries whose balances never go below zero (donations arrive before
the money is committed). The histories of all applications are merged in time order, so the
hash chain and the ledger read as the days went by.

Not written: notifications and e-mails (ten years of them would only fill the outbox), and
the proposals' own attachments (the loan applications' documents and signed agreements are
written, as their rules require). The database must hold no applications, donations or
ledger entries yet: the base demo records (organisations, users, funds, rounds) may be
there, and are used.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from sqlalchemy import (
    func,
    insert,
    select,
    text,
    update,
)

from models import Application, Donation, LedgerEntry, ReferenceCounter, dated_at, db, utcnow
from workflow.engine.audit import chain_head
from workflow.engine.fiscal import fiscal_year, fiscal_year_bounds
from workflow.engine.references import format_reference
from workflow.money import kept_figures

from . import scale_grants, scale_loans
from .living import DemoRefused
from .scale_plan import TERMINAL, Context, Ids, Plan
from .scale_world import YEARS, World, build_world
from .scale_writer import GRANT_SHARE, Emitter, Writer, bulk_connection, donation_moments

# How files end (per cent, roughly): a few of each still moving, most ended.
GRANT_STATES = {"draft": 2, "submitted": 2, "screening": 2, "revision_requested": 1.5,
                "committee_review": 2, "approved": 1.5, "in_implementation": 4,
                "report_submitted": 2, "closed": 32, "rejected": 22, "withdrawn": 20,
                "cancelled": 4}
LOAN_STATES = {"draft": 2, "submitted": 2, "screening": 2, "revision_requested": 1,
               "credit_assessment": 2, "committee_review": 2, "approved": 1.5,
               "contracted": 1.5, "active": 8, "in_arrears": 3, "repaid": 20,
               "written_off": 3, "rejected": 25, "withdrawn": 20, "cancelled": 4}
KEYED_TABLES = ("applications", "ballots", "votes", "tranches", "instalments", "repayments",
                "repayment_allocations", "ledger_entries", "donations", "comments",
                "attachments", "grant_partners", "participant_countries", "budget_lines",
                "report_participants", "report_expenses", "users")


def _draw(rng: random.Random) -> tuple[str, str, list]:
    """Kind, final state and script of one application (the start of its random stream)."""
    if rng.random() < GRANT_SHARE:
        final = rng.choices(list(GRANT_STATES), list(GRANT_STATES.values()))[0]
        return "grant", final, scale_grants.script(rng, final)
    final = rng.choices(list(LOAN_STATES), list(LOAN_STATES.values()))[0]
    return "loan", final, scale_loans.script(rng, final)


def _created(rng: random.Random, final: str, steps: list, first: datetime, now: datetime
             ) -> datetime:
    """When the application was created: recent for files still moving, any time for ended
    ones; and early enough that every (re)submission falls within its fiscal year's round."""
    span = timedelta(days=steps[-1][0])
    if final in TERMINAL:
        # A margin: calendar months and time of day may stretch the planned span a little.
        latest = max(first, now - span - timedelta(days=10))
        created = first + (latest - first) * rng.random()
    else:
        jitter = 10 if final in ("active", "in_arrears") else 25
        created = now - span - timedelta(days=rng.uniform(0.02, jitter))
    submitted = [offset for offset, name, _ in steps if name in ("submit", "resubmit")]
    if submitted:
        closes = datetime.combine(fiscal_year_bounds(fiscal_year(created.date()))[1],
                                  time(23, 0))
        last = created + timedelta(days=max(submitted))
        if last > closes:
            created -= last - closes + timedelta(days=rng.uniform(0.5, 10))
    return created


def _refuse_unless_empty() -> None:
    for model in (Application, Donation, LedgerEntry):
        if db.session.scalar(select(func.count()).select_from(model)):
            raise DemoRefused("The scale seed needs a database without applications, "
                              "donations or ledger entries (the base demo records may be "
                              "there): start from an empty database (make clean-db).")


def _first_ids() -> dict[str, int]:
    return {name: (db.session.scalar(text(f'SELECT max(id) FROM "{name}"')) or 0) + 1
            for name in KEYED_TABLES}


def _reference_counters() -> dict[tuple[int, int], int]:
    return {(c.fund_id, c.fiscal_year): c.last_number
            for c in db.session.scalars(select(ReferenceCounter))}


def _save_counters(conn, counters: dict[tuple[int, int], int], before: dict) -> None:
    table = ReferenceCounter.__table__
    for (fund_id, year), last in counters.items():
        if (fund_id, year) in before:
            conn.execute(update(table).where(table.c.fund_id == fund_id,
                                             table.c.fiscal_year == year)
                         .values(last_number=last))
        else:
            conn.execute(insert(table).values(fund_id=fund_id, fiscal_year=year,
                                              last_number=last))


def _move_sequences(conn) -> None:
    """PostgreSQL: the serial sequences continue after the ids written here."""
    if conn.dialect.name != "postgresql":
        return
    for name in KEYED_TABLES:
        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                          f"coalesce((SELECT max(id) FROM \"{name}\"), 0) + 1, false)"))


def _specs(seed: int, count: int, rng: random.Random, first: datetime, now: datetime
           ) -> list[tuple[datetime, int]]:
    """(creation time, index) of every application, oldest first."""
    specs = []
    for i in range(count):
        _, final, steps = _draw(random.Random(seed * 1_000_003 + i))
        specs.append((_created(rng, final, steps, first, now), i))
    specs.sort()
    return specs


def history_start(today: date) -> datetime:
    """When the generated history begins: the demo's base records and the world the
    history needs are written `dated_at` this moment, before the history's first event."""
    return datetime.combine(fiscal_year_bounds(fiscal_year(today) - YEARS + 1)[0], time(0, 0))


def seed_scale(count: int, today: date, upload_dir: str | None, *, seed: int = 2026,
               batch: int = 20_000, progress: Callable[[int], None] | None = None
               ) -> dict[str, int]:
    """Generate `count` applications with their histories; commits batch by batch."""
    _refuse_unless_empty()
    rng = random.Random(seed)
    last_year = fiscal_year(today)
    first_day = fiscal_year_bounds(last_year - YEARS + 1)[0]
    with dated_at(history_start(today)):
        world: World = build_world(rng, last_year - YEARS + 1, last_year, count)
        db.session.commit()
    now = utcnow() - timedelta(minutes=5)
    ctx = Context(world, Ids(_first_ids()), today, now, first_day)
    before, head = _reference_counters(), chain_head()
    db.session.commit()  # the bulk connection must not wait for this session's lock
    specs = _specs(seed, count, rng, datetime.combine(first_day, time(1, 0)), now)
    counters = dict(before)
    with bulk_connection() as conn:
        writer = Writer(conn, batch, upload_dir)
        try:
            _merge(ctx, seed, specs, Emitter(ctx, writer, rng, head), counters, progress)
        finally:
            writer.close()
        with conn.begin():
            _save_counters(conn, counters, before)
            _move_sequences(conn)
            kept_figures.rebuild(conn)  # the ledger was written past ledger.post
    written = writer.written
    return {"applications": written["applications"], "audit events": written["audit_events"],
            "ledger entries": written["ledger_entries"], "votes": written["votes"],
            "tranches": written["tranches"], "repayments": written["repayments"],
            "donations": written["donations"]}


def _merge(ctx: Context, seed: int, specs: list, emitter: Emitter, counters: dict,
           progress: Callable[[int], None] | None) -> None:
    """Plan each application when its creation comes up, and write every plan's moments in
    time order (a heap holds the next moment of each plan in progress)."""
    donations = donation_moments(ctx, emitter.rng, len(specs))
    heap: list = [(donations[0][0], -1, None, donations, 0)]
    position, tie = 0, 0
    while position < len(specs) or heap:
        if position < len(specs) and (not heap or specs[position][0] <= heap[0][0]):
            created, i = specs[position]
            position += 1
            plan = _plan(ctx, seed, i, created, counters)
            tie += 1
            heapq.heappush(heap, (plan.moments[0][0], tie, plan, plan.moments, 0))
            continue
        when, order, plan, moments, index = heapq.heappop(heap)
        ops = moments[index][1]
        if plan is None:
            for _, code, amount, day in ops:
                emitter.donation(when, code, amount, day, "Monthly WNF donations")
        else:
            emitter.emit(when, ops)
        if index + 1 < len(moments):
            heapq.heappush(heap, (moments[index + 1][0], order, plan, moments, index + 1))
        elif plan is not None and progress is not None:
            progress(1)


def _plan(ctx: Context, seed: int, i: int, created: datetime,
          counters: dict[tuple[int, int], int]) -> Plan:
    """Replay application i's random stream and plan its whole history."""
    rng = random.Random(seed * 1_000_003 + i)
    kind, final, steps = _draw(rng)
    code = "WNF" if kind == "grant" else "SME"
    fund = ctx.world.funds[code]
    year = fiscal_year(created.date())
    number = counters.get((fund.id, year), 0) + 1
    counters[(fund.id, year)] = number
    plan = Plan(ctx.ids.take("applications"), format_reference(code, year, number), kind,
                fund.id, code)
    module = scale_grants if kind == "grant" else scale_loans
    plan, app = module.build(ctx, rng, steps, plan, created, year, number)
    if app["state"] != final or plan.last_time > ctx.now:
        raise RuntimeError(f"{plan.reference} was planned to end {final} by {ctx.now} but "
                           f"ends {app['state']} on {plan.last_time}")
    return plan
