"""The ledger checked against the audit chain: every entry has its event, every money event
its entry, with the same kind, amount, fund and application.

`workflow.money.ledger.post` writes each entry and its `ledger.<kind>` event (object
`ledger_entry`, data: fund code, amount, application reference) in one transaction, so
a difference means someone changed a table behind the application's back. The chain's
own hashes say whether an event was touched; this says whether an entry was.

Each question is one statement the database answers with the chain's object index, in
its own snapshot (an entry and its event are committed together, so a change made
meanwhile is seen whole or not at all); only the first difference comes back. On
PostgreSQL they are asked on a connection of their own while `verify` hashes the chain in
this process, so that matching the ledger adds nothing to the time verification takes.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from sqlalchemy import String, and_, cast, func, literal, or_, select

from models import Application, AuditEvent, Fund, LedgerEntry, db

_EVENT = AuditEvent.__table__
_ENTRY = LedgerEntry.__table__
_FUND = Fund.__table__
_APPLICATION = Application.__table__

# What a person reads when the two disagree; {entry} and {seq} name the rows to look at.
NO_EVENT = "ledger entry {entry} ({kind}, ¥{amount:,}) has no audit event."
NO_ENTRY = "audit event {seq} ({action}) records ledger entry {entry}, which is not there."
TWO_EVENTS = "ledger entry {entry} has more than one audit event ({seq} and {other})."
KIND_DIFFERS = "ledger entry {entry} is a {kind}; its audit event {seq} records {action}."
AMOUNT_DIFFERS = ("ledger entry {entry} holds ¥{amount:,}; its audit event {seq} records "
                  "{recorded}.")
FUND_DIFFERS = ("ledger entry {entry} is booked to the {fund} fund; its audit event {seq} "
                "records {recorded}.")
APPLICATION_DIFFERS = ("ledger entry {entry} is booked to {application}; its audit event "
                       "{seq} records {recorded}.")
NO_APPLICATION = "no application"


@dataclass(frozen=True)
class LedgerMismatch:
    entry_id: int
    event_seq: int | None
    problem: str


_IS_LEDGER_EVENT = and_(_EVENT.c.object_type == "ledger_entry",
                        _EVENT.c.action.like("ledger.%"))
# Compared as text: the same on both databases, and no cast can fail on a strange value.
_RECORDED_AMOUNT = cast(_EVENT.c.data["amount_yen"].as_string(), String)
_RECORDED_FUND = _EVENT.c.data["fund"].as_string()
_RECORDED_APPLICATION = _EVENT.c.data["application"].as_string()

_ENTRY_WITHOUT_ITS_EVENT = (
    select(_ENTRY.c.id, _ENTRY.c.kind, _ENTRY.c.amount_yen, _FUND.c.code,
           _APPLICATION.c.reference, _EVENT.c.seq, _EVENT.c.action, _RECORDED_AMOUNT,
           _RECORDED_FUND, _RECORDED_APPLICATION)
    .select_from(_ENTRY.join(_FUND, _FUND.c.id == _ENTRY.c.fund_id)
                 .outerjoin(_APPLICATION, _APPLICATION.c.id == _ENTRY.c.application_id)
                 .outerjoin(_EVENT, and_(_IS_LEDGER_EVENT, _EVENT.c.object_id == _ENTRY.c.id)))
    .where(or_(_EVENT.c.seq.is_(None),
               _EVENT.c.action.is_distinct_from(literal("ledger.") + _ENTRY.c.kind),
               _RECORDED_AMOUNT.is_distinct_from(cast(_ENTRY.c.amount_yen, String)),
               _RECORDED_FUND.is_distinct_from(_FUND.c.code),
               _RECORDED_APPLICATION.is_distinct_from(_APPLICATION.c.reference)))
    .order_by(_ENTRY.c.id).limit(1))

def _event_without_its_entry(is_ledger_event):
    return (select(_EVENT.c.seq, _EVENT.c.action, _EVENT.c.object_id)
            .select_from(_EVENT.outerjoin(_ENTRY, _ENTRY.c.id == _EVENT.c.object_id))
            .where(is_ledger_event, _ENTRY.c.id.is_(None))
            .order_by(_EVENT.c.seq).limit(1))


_EVENT_WITHOUT_ITS_ENTRY = _event_without_its_entry(_IS_LEDGER_EVENT)

_ENTRY_WITH_TWO_EVENTS = (
    select(_EVENT.c.object_id, func.min(_EVENT.c.seq), func.max(_EVENT.c.seq))
    .where(_IS_LEDGER_EVENT).group_by(_EVENT.c.object_id).having(func.count() > 1)
    .order_by(_EVENT.c.object_id).limit(1))

# The same test, written so that no index of object_type can serve it ("|| ''" is SQLite's
# documented way to say so; PostgreSQL computes it alike): asked of the events after a
# checkpoint, the planner then walks the few of them by seq, not every ledger event.
_IS_LEDGER_EVENT_BY_SEQ = and_((_EVENT.c.object_type + "") == "ledger_entry",
                               _EVENT.c.action.like("ledger.%"))


def _yen(recorded: str | None) -> str:
    if recorded is not None and recorded.isdigit():
        return f"¥{int(recorded):,}"
    return repr(recorded)


def _difference(row) -> LedgerMismatch:
    (entry, kind, amount, fund, application, seq, action, recorded_amount, recorded_fund,
     recorded_application) = row
    if seq is None:
        problem = NO_EVENT.format(entry=entry, kind=kind, amount=amount)
    elif action != f"ledger.{kind}":
        problem = KIND_DIFFERS.format(entry=entry, kind=kind, seq=seq, action=action)
    elif recorded_amount != str(amount):
        problem = AMOUNT_DIFFERS.format(entry=entry, amount=amount, seq=seq,
                                        recorded=_yen(recorded_amount))
    elif recorded_fund != fund:
        problem = FUND_DIFFERS.format(entry=entry, fund=fund, seq=seq, recorded=recorded_fund)
    else:
        problem = APPLICATION_DIFFERS.format(
            entry=entry, application=application or NO_APPLICATION, seq=seq,
            recorded=recorded_application or NO_APPLICATION)
    return LedgerMismatch(entry, seq, problem)


After = tuple[int, int]  # (event seq, ledger entry id) matched already: only later ones


def first_mismatch(connection=None, after: After | None = None) -> LedgerMismatch | None:
    """The first ledger entry or money event without its counterpart, or None; only among
    the entries and events after `after` (event seq, ledger entry id) when given."""
    conn = connection if connection is not None else db.session.connection()
    entries, events, two_events = (_ENTRY_WITHOUT_ITS_EVENT, _EVENT_WITHOUT_ITS_ENTRY,
                                   _ENTRY_WITH_TWO_EVENTS)
    if after is not None:
        seq, entry = after
        later_events = (_IS_LEDGER_EVENT_BY_SEQ, _EVENT.c.seq > seq)
        entries = entries.where(_ENTRY.c.id > entry)
        events = _event_without_its_entry(and_(*later_events))
        two_events = two_events.where(_EVENT.c.object_id.in_(
            select(_EVENT.c.object_id).where(*later_events)))
    row = conn.execute(entries).first()
    if row is not None:
        return _difference(row)
    row = conn.execute(events).first()
    if row is not None:
        seq, action, entry = row
        return LedgerMismatch(entry, seq, NO_ENTRY.format(seq=seq, action=action, entry=entry))
    row = conn.execute(two_events).first()
    if row is not None:
        entry, seq, other = row
        return LedgerMismatch(entry, seq, TWO_EVENTS.format(entry=entry, seq=seq, other=other))
    return None


def entry_count(connection=None, after: After | None = None) -> int:
    conn = connection if connection is not None else db.session.connection()
    where = [_ENTRY.c.id > after[1]] if after else []
    return conn.scalar(select(func.count()).select_from(_ENTRY).where(*where))


def last_entry(connection=None) -> int:
    """The highest ledger entry id (0: none), where the next check may start after."""
    conn = connection if connection is not None else db.session.connection()
    return conn.scalar(select(func.coalesce(func.max(_ENTRY.c.id), 0)))


# The first difference, or how many entries matched, and the last entry matched.
Answer = tuple[LedgerMismatch | None, int, int]


def _answer(conn, after: After | None) -> Answer:
    last = last_entry(conn)  # first: an entry committed meanwhile is left to the next check
    mismatch = first_mismatch(conn, after)
    return mismatch, (entry_count(conn, after) if mismatch is None else 0), last


def _answer_on_a_connection_of_its_own(engine, after: After | None) -> Answer:
    with engine.connect() as conn:
        return _answer(conn, after)


def ask(session, after: After | None = None) -> Callable[[], Answer]:
    """Start matching the ledger to the chain; the returned function waits for the answer.

    PostgreSQL answers on another connection (its own snapshot: what is committed), in a
    thread that waits on the server while the caller works. SQLite answers when asked, on
    the session's connection: it is in this process anyway.
    """
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return lambda: _answer(connection, after)
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ledger-evidence")
    future = executor.submit(_answer_on_a_connection_of_its_own, connection.engine, after)
    executor.shutdown(wait=False)  # the thread ends with its one task
    return future.result
