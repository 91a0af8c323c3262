"""The hash-chained, append-only audit trail: record, verify, checkpoint, export.

Appends are serialised so that each event chains onto the one before it: a
transaction-level advisory lock on PostgreSQL; on SQLite, BEGIN IMMEDIATE has
already made the transaction the only writer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import chain
from typing import Any

from sqlalchemy import func, insert, literal_column, select

from models import GENESIS_HASH, AuditEvent, User, db, utcnow
from models.base import canonical_json

from . import kept, ledger_evidence
from .anchors import Anchor
from .driver_sql import DriverStatement
from .locking import ensure_write_transaction
from .locking import lock_chain as _lock

_COLUMNS = (AuditEvent.seq, AuditEvent.occurred_at, AuditEvent.actor_id, AuditEvent.action,
            AuditEvent.object_type, AuditEvent.object_id, AuditEvent.from_state,
            AuditEvent.to_state, AuditEvent.data, AuditEvent.prev_hash, AuditEvent.hash)


def _plain(value: Any) -> Any:
    """JSON-safe data: dates as ISO strings, Decimals as strings (never floats)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return value


def _timestamp(moment: datetime) -> str:
    # The same text as strftime("%Y-%m-%dT%H:%M:%S.%f") for naive times (years 1000 on),
    # without parsing a format: it runs for every event written and every event verified.
    return moment.isoformat(timespec="microseconds")


_canonical = canonical_json
_sha256 = hashlib.sha256
_quote = json.encoder.encode_basestring  # a str as canonical_json writes it


def _digest(prev_hash: str, seq, timestamp: str, actor_id, action, object_type, object_id,
            from_state, to_state, data) -> str:
    canonical = _canonical([seq, timestamp, actor_id, action, object_type, object_id,
                            from_state, to_state, data or {}])
    return _sha256((prev_hash + canonical).encode()).hexdigest()


def _stored_digest(prev_hash: str, seq, timestamp: str, actor_id, action, object_type,
                   object_id, from_state, to_state, data_text: str) -> str:
    """`_digest` of an event as read from its row, the data still as stored text.

    The data column holds canonical_json's text, so the canonical JSON of the event is
    put together around it as it is. A row whose text is written otherwise (an older
    serializer) gives another digest here, and `verify` then parses it and tries again.
    """
    # Every column but the last is written as JSON by itself (ints with :d, so that a
    # number stored as text cannot pass), which leaves the stored text one way only to
    # be read back: the same hash means the same columns and the same data text.
    canonical = (f'[{seq:d},{_quote(timestamp)},'
                 f'{"null" if actor_id is None else f"{actor_id:d}"},'
                 f'{_quote(action)},{_quote(object_type)},'
                 f'{"null" if object_id is None else f"{object_id:d}"},'
                 f'{"null" if from_state is None else _quote(from_state)},'
                 f'{"null" if to_state is None else _quote(to_state)},{data_text}]')
    return _sha256((prev_hash + canonical).encode()).hexdigest()


def event_hash(seq, occurred_at, actor_id, action, object_type, object_id, from_state,
               to_state, data, prev_hash) -> str:
    """SHA-256 of the previous hash and the canonical JSON of the event."""
    return _digest(prev_hash, seq, _timestamp(occurred_at), actor_id, action, object_type,
                   object_id, from_state, to_state, data)


def _raw_batches(batch: int, after_seq: int = 0) -> Iterator[list[tuple]]:
    """The chain in order from the event after `after_seq`, in batches of plain tuples from
    the driver's own cursor: verifying a million events is dominated by per-row costs, so
    no ORM, no result rows and no type conversion here. It reads inside the session's
    transaction."""
    conn = db.session.connection()
    driver = conn.connection.driver_connection
    occurred, data = "occurred_at", "data"
    if conn.dialect.name == "postgresql":
        # Let the server format them (in parallel with this process) as text, and keep
        # the rows on the server until fetched (a named cursor).
        occurred = """to_char(occurred_at, 'YYYY-MM-DD"T"HH24:MI:SS.US')"""
        data = "data::text"
        cursor = driver.cursor(name="audit_verify")
    else:
        cursor = driver.cursor()
    try:
        cursor.execute(
            f"SELECT seq, {occurred}, actor_id, action, object_type, object_id, from_state, "
            f"to_state, {data}, prev_hash, hash FROM audit_events WHERE seq > {int(after_seq):d} "
            "ORDER BY seq")
        while rows := cursor.fetchmany(batch):
            yield rows
    finally:
        cursor.close()


def _timestamp_text(value) -> str:
    """The canonical timestamp of a raw value: SQLite gives text, PostgreSQL a datetime."""
    if isinstance(value, str):
        text_value = value.replace(" ", "T", 1)
        return text_value if len(text_value) == 26 else _timestamp(datetime.fromisoformat(value))
    return _timestamp(value)


_TABLE = AuditEvent.__table__
_HEAD = (select(_TABLE.c.seq, _TABLE.c.hash).order_by(_TABLE.c.seq.desc())
         .limit(literal_column("1")))
# Run by its SQL text (workflow.engine.driver_sql): every event of every transition.
_INSERT = DriverStatement(insert(_TABLE))


# The stripe's UPDATE of an event's file, returning the head as it stands (both NULL on an
# empty chain): the chain's lock is held, so no other writer moves it before the INSERT.
_BUMP_STRIPE_READING_HEAD = kept.stripe_update_returning(
    _HEAD.with_only_columns(_TABLE.c.seq).scalar_subquery(),
    _HEAD.with_only_columns(_TABLE.c.hash).scalar_subquery())

# The head as a subquery of at most one row (seq, hash), for a statement that reads it
# beside other marks (workflow.files.catalogue); head_of() turns it into chain_head()'s answer.
HEAD = _HEAD.subquery("chain_head")


def head_of(seq: int | None, hash_: str | None) -> tuple[int, str]:
    return (seq, hash_) if seq is not None else (0, GENESIS_HASH)


def chain_head(connection=None) -> tuple[int, str]:
    row = (connection or db.session.connection()).execute(_HEAD).first()
    return head_of(*row) if row else head_of(None, None)


def lock_chain(connection=None):
    """The chain's append lock, on the given connection or the session's write transaction
    (workflow.engine.locking.lock_chain says who takes it and why)."""
    return _lock(connection if connection is not None else ensure_write_transaction(db.session))


def record(action: str, *, actor: User | None, object_type: str, object_id: int | None = None,
           connection=None,
           from_state: str | None = None, to_state: str | None = None,
           data: dict | None = None, file_revision_moved: bool = False,
           of_file: int | None = None) -> dict:
    """Append one event to the chain, inside the caller's transaction; return its fields.

    An event of a file (object_type "application"), or of something its page shows (a vote,
    a ledger entry: `of_file`, the file's id), moves the file's revisions, once per
    transaction: a transition under way moves them itself (kept.moved_by_transition).
    `file_revision_moved`: the caller (the service's compare-and-set) has already moved the
    file's revision in this transaction, so only the lists' revision is left to move.
    """
    conn = lock_chain(connection)
    file_id = object_id if object_type == "application" else of_file
    head = None
    if file_id is not None and (file_revision_moved
                                or not kept.moved_by_transition_under_way(file_id)):
        # The file's timeline is its events: an event of the file is a change of its page.
        # Its stripe's UPDATE reads the chain's head as well, in the one statement.
        if not file_revision_moved:
            kept.file_changed(file_id, conn)
        head = kept.lists_changed_reading(file_id, _BUMP_STRIPE_READING_HEAD, conn)
    seq, prev_hash = head_of(*head) if head is not None else chain_head(conn)
    values = {
        "seq": seq + 1, "occurred_at": utcnow(), "actor_id": actor.id if actor else None,
        "action": action, "object_type": object_type, "object_id": object_id,
        "from_state": from_state, "to_state": to_state, "data": _plain(data or {}),
        "prev_hash": prev_hash,
    }
    values["hash"] = event_hash(**values)
    # On the session's connection: written once, never loaded back.
    _INSERT.execute(conn, values)
    return values


def _row_digest(prev_hash: str, stored_hash: str, seq, occurred_at, actor_id, action,
                object_type, object_id, from_state, to_state, data) -> str:
    """The hash an event's row should carry after `prev_hash`."""
    timestamp = _timestamp_text(occurred_at)
    if not isinstance(data, str):
        return _digest(prev_hash, seq, timestamp, actor_id, action, object_type, object_id,
                       from_state, to_state, data)
    digest = _stored_digest(prev_hash, seq, timestamp, actor_id, action, object_type,
                            object_id, from_state, to_state, data)
    if digest != stored_hash:  # perhaps only written by another serializer: parse it
        digest = _digest(prev_hash, seq, timestamp, actor_id, action, object_type, object_id,
                         from_state, to_state, json.loads(data))
    return digest


@dataclass
class Verification:
    count: int
    bad_seq: int | None = None
    problem: str | None = None
    anchor: Anchor | None = None  # the anchor the chain was held to, if any
    entries: int = 0  # ledger entries that matched their events
    bad_entry: int | None = None  # the ledger entry that did not
    head: tuple[int, str] = (0, GENESIS_HASH)  # the last event verified, and its hash
    since: int | None = None  # verified after this event only (a checkpoint's), if not all
    last_entry: int = 0  # the highest ledger entry matched

    @property
    def ok(self) -> bool:
        return self.bad_seq is None and self.problem is None

    def __str__(self) -> str:
        if self.bad_entry is not None:
            return LEDGER_BROKEN.format(problem=self.problem)
        if not self.ok:
            where = f"event {self.bad_seq}: " if self.bad_seq is not None else ""
            return f"Audit chain broken at {where}{self.problem}"
        said = [VERIFIED.format(count=self.count) if self.since is None
                else VERIFIED_SINCE.format(count=self.count, seq=self.since)]
        if self.entries:
            said.append(LEDGER_MATCHED.format(entries=self.entries))
        if self.anchor is not None:
            said.append(ANCHOR_HELD.format(anchor=self.anchor.name, seq=self.anchor.seq))
        return "; ".join(said)


VERIFIED = "{count} events verified"
VERIFIED_SINCE = "{count} events verified after event {seq}, verified before"
LEDGER_MATCHED = "{entries} ledger entries match their events"
ANCHOR_HELD = "the chain holds {anchor} (event {seq})"
LEDGER_BROKEN = "The ledger does not match the audit chain: {problem}"
ANCHOR_DIFFERS = "it differs from {anchor}."
SHORT_OF_ANCHOR = "the chain holds {count} events, short of {anchor} (event {seq})."


def parse_checkpoint(value: str) -> tuple[int, str]:
    seq, sep, digest = value.partition(":")
    if not sep or not seq.isdigit() or len(digest) != 64:
        raise ValueError("A checkpoint looks like SEQ:HASH, as `flask audit checkpoint` prints.")
    return int(seq), digest.lower()


def verify(checkpoint: Anchor | tuple[int, str] | None = None, batch: int = 20_000,
           progress=None, since: Since | None = None) -> Verification:
    """Recompute the chain and report the first event that does not fit; hold it to the
    checkpoint (an anchor, or SEQ and HASH) if given; match the ledger to it.

    `since`: a verification before this one (workflow.engine.verifying) reached that event
    with that hash and those ledger entries: only what came after is recomputed, once the
    event is found still holding its hash (and the anchor, if before it); if not, all of
    the chain is, to say where it breaks."""
    anchor = Anchor(*checkpoint) if isinstance(checkpoint, tuple) else checkpoint
    if since is not None and not _still_holds(anchor, since):
        since = None  # rewritten or cut since: all of it, to find where it breaks
    ledger_answer = ledger_evidence.ask(  # meanwhile, where the database can
        db.session, after=(since.seq, since.entry) if since else None)
    result = _verify_chain(anchor, batch, progress, since)
    if not result.ok:
        return result
    mismatch, entries, last_entry = ledger_answer()
    if mismatch is not None:
        return Verification(result.count, mismatch.event_seq, mismatch.problem, anchor,
                            bad_entry=mismatch.entry_id, since=result.since)
    return Verification(result.count, anchor=anchor, entries=entries, head=result.head,
                        since=result.since, last_entry=last_entry)


@dataclass(frozen=True)
class Since:
    """Where an earlier verification stopped: the event, its hash, the last ledger entry."""

    seq: int
    hash: str
    entry: int = 0


def _stored_hash(seq: int) -> str | None:
    return db.session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == seq))


def _still_holds(anchor: Anchor | None, since: Since) -> bool:
    """Whether the chain still holds the earlier verification's event with its hash, and
    the anchor too if it is at or before that event."""
    if since.seq == 0:
        return True
    if _stored_hash(since.seq) != since.hash:
        return False
    if anchor is None or anchor.seq > since.seq:
        return True
    held = since.hash if anchor.seq == since.seq else _stored_hash(anchor.seq)
    return held == anchor.hash


def _verify_chain(anchor: Anchor | None, batch: int, progress,
                  since: Since | None = None) -> Verification:
    anchor_seen = anchor is None or (since is not None and anchor.seq <= since.seq)
    start_seq, prev_hash = (since.seq, since.hash) if since else (0, GENESIS_HASH)
    expected_seq, count = start_seq + 1, 0
    for (seq, occurred_at, actor_id, action, object_type, object_id, from_state, to_state,
         data, stored_prev, stored_hash) in chain.from_iterable(_raw_batches(batch, start_seq)):
        if seq != expected_seq:
            return Verification(count, expected_seq, "this event is missing from the chain.")
        if stored_prev != prev_hash:
            return Verification(count, seq, "it does not link to the event before it.")
        try:
            digest = _row_digest(prev_hash, stored_hash, seq, occurred_at, actor_id, action,
                                 object_type, object_id, from_state, to_state, data)
        except (TypeError, ValueError):  # a column not even of its type
            digest = None
        if digest != stored_hash:
            return Verification(count, seq, "its content does not match its hash.")
        if anchor is not None and seq == anchor.seq:
            if digest != anchor.hash:
                return Verification(count, seq, ANCHOR_DIFFERS.format(anchor=anchor.name))
            anchor_seen = True
        prev_hash, expected_seq, count = digest, seq + 1, count + 1
        if progress is not None:
            progress(1)
    if not anchor_seen:
        return Verification(count, anchor.seq, SHORT_OF_ANCHOR.format(
            count=start_seq + count, anchor=anchor.name, seq=anchor.seq))
    return Verification(count, anchor=anchor, head=(expected_seq - 1, prev_hash),
                        since=since.seq if since else None)


def event_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def export_rows(batch: int = 20_000) -> Iterator[dict]:
    """Every event as a plain dict, in chain order, streamed."""
    result = db.session.execute(
        select(*_COLUMNS).order_by(AuditEvent.seq).execution_options(yield_per=batch)
    )
    for row in result.mappings():
        event = dict(row)
        event["occurred_at"] = _timestamp(event["occurred_at"]) + "Z"
        yield event


def timeline(object_type: str, object_id: int) -> list[AuditEvent]:
    return db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
        .order_by(AuditEvent.seq)
    ).all()
