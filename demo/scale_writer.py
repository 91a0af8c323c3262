"""Scale seed: writing the planned operations, in bulk, in the order they happened.

The `Emitter` turns each moment's operations into rows: audit events numbered and chained
(workflow.engine.audit.event_hash), ledger entries numbered, a donation first whenever a commitment
would take a fund below zero. The `Writer` buffers the rows and writes a batch per
transaction, parents before children.
"""

from __future__ import annotations

import contextlib
import gc
import os
import random
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, time, timedelta
from operator import itemgetter

from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, Numeric

from models import db
from models.base import canonical_json
from workflow.engine import kept
from workflow.engine.audit import chain_head, event_hash
from workflow.engine.locking import lock_chain
from workflow.money.ledger import CASH_IN

from .living import DemoRefused
from .scale_plan import AUDIT, FILE, LEDGER, ROW, Context
from .scale_world import YEARS

GRANT_SHARE = 0.72  # of the applications generated (demo.scale draws with it too)


class Writer:
    """Rows buffered per table, written a batch per transaction in foreign-key order.

    The rows go to the driver as ready-made tuples, past SQLAlchemy's per-row parameter
    processing (it would cost more than the database's own work): on SQLite to executemany,
    on PostgreSQL to a COPY, which streams them without a statement per row.
    """

    def __init__(self, conn, batch: int, upload_dir: str | None):
        self.conn, self.batch, self.upload_dir = conn, batch, upload_dir
        self.tables = list(db.metadata.sorted_tables)
        self.rows: dict[str, list] = {t.name: [] for t in self.tables}
        self.pending = 0
        self.head: tuple[int, str] | None = None  # the chain head this process wrote last
        self.written = dict.fromkeys(self.rows, 0)
        self.files = ThreadPoolExecutor(max_workers=8)  # file creation waits on the disk
        self.writing: list = []

    def add(self, table: str, row: dict) -> None:
        """Buffer a row; a full buffer is written at once."""
        self.rows[table].append(row)
        self.pending += 1
        if self.pending >= self.batch:
            self.flush()

    def file(self, name: str, data: bytes) -> None:
        """Store an attachment's bytes under the upload folder (in the background)."""
        if self.upload_dir:
            self.writing.append(self.files.submit(_write_file, self.upload_dir, name, data))

    def flush(self) -> None:
        """One transaction: every buffered row, parents before children."""
        if not self.pending:
            return
        conn = self.conn
        with conn.begin():
            lock_chain(conn)
            if self.head is not None and chain_head(conn) != self.head:
                raise DemoRefused("Someone else wrote to the audit trail during the scale "
                                  "seed; run it on a database nobody else uses.")
            for table in self.tables:
                rows = self.rows[table.name]
                if rows:
                    if conn.dialect.name == "sqlite":
                        _sqlite_insert(conn, table, rows)
                    else:
                        _postgres_copy(conn, table, rows)
                    self.written[table.name] += len(rows)
                    self.rows[table.name] = []
            kept.new_files_written(conn)
            if self.written["audit_events"]:
                self.head = chain_head(conn)
        self.pending = 0

    def close(self) -> None:
        """Write what is buffered (unless a failure is on its way out) and wait for the
        files."""
        try:
            if sys.exc_info()[0] is None:
                self.flush()
            for future in self.writing:
                future.result()
        finally:
            self.files.shutdown()


def _write_file(folder: str, name: str, data: bytes) -> None:
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "xb") as handle:
        handle.write(data)


def _sqlite_value(column_type) -> Callable | None:
    """How a value is stored in SQLite, as SQLAlchemy would store it (None: as it is)."""
    if isinstance(column_type, DateTime):
        return lambda v: None if v is None else v.isoformat(" ", "microseconds")
    if isinstance(column_type, Date):
        return lambda v: None if v is None else v.isoformat()
    if isinstance(column_type, JSON):
        return canonical_json
    if isinstance(column_type, Numeric) and not isinstance(column_type, Integer):
        return lambda v: None if v is None else str(v)
    if isinstance(column_type, Boolean):
        return lambda v: None if v is None else int(v)
    return None


def _postgres_value(column_type) -> Callable | None:
    """How psycopg's COPY needs a value (None: as it is, psycopg adapts it). JSON as the
    engine writes it (its json_serializer): a json column keeps the very text."""
    return canonical_json if isinstance(column_type, JSON) else None


def _tuples(table, rows: list[dict], value_for: Callable) -> tuple[list[str], list[tuple]]:
    """The columns of the first row (the others have the same) and every row's values in
    that order, converted by `value_for(column type)`. A column left out takes its server
    default, as in an INSERT naming the others; one whose default only Python knows is
    refused (an ORM or Core insert would have filled it in)."""
    names = list(rows[0])
    unfilled = [c.name for c in table.columns
                if c.name not in rows[0] and c.default is not None and c.server_default is None]
    if unfilled:
        raise ValueError(f"{table.name} rows leave out {', '.join(unfilled)}")
    get = itemgetter(*names)
    converted = [(i, c) for i, c in enumerate(value_for(table.c[n].type) for n in names)
                 if c is not None]
    if not converted:
        return names, [get(row) for row in rows]
    values = []
    for row in rows:
        value = list(get(row))
        for i, convert in converted:
            value[i] = convert(value[i])
        values.append(tuple(value))
    return names, values


def _sqlite_insert(conn, table, rows: list[dict]) -> None:
    names, values = _tuples(table, rows, _sqlite_value)
    columns = ", ".join(f'"{name}"' for name in names)
    marks = ", ".join("?" * len(names))
    conn.exec_driver_sql(f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})', values)


def _postgres_copy(conn, table, rows: list[dict]) -> None:
    """COPY within the batch's transaction (the connection's own, already begun)."""
    names, values = _tuples(table, rows, _postgres_value)
    columns = ", ".join(f'"{name}"' for name in names)
    with conn.connection.dbapi_connection.cursor() as cursor, \
            cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        for value in values:
            copy.write_row(value)


class Emitter:
    """Turns planned operations into rows: audit events chained, ledger entries numbered,
    and a donation first whenever a commitment would take a fund below zero."""

    def __init__(self, ctx: Context, writer: Writer, rng: random.Random,
                 head: tuple[int, str]):
        self.ctx, self.writer, self.rng = ctx, writer, rng
        self.seq, self.prev = head
        writer.head = head if self.seq else None
        self.cash: dict[int, int] = {}
        self.committed: dict[int, int] = {}
        for fund in ctx.world.funds.values():
            self.cash[fund.id], self.committed[fund.id] = 0, 0

    def emit(self, when: datetime, ops: list) -> None:
        """Write one moment's operations, its events a microsecond apart."""
        tick = 0
        for op in ops:
            kind = op[0]
            if kind == ROW:
                self.writer.add(op[1], op[2])
            elif kind == AUDIT:
                tick += 1
                self.audit(when + timedelta(microseconds=tick), *op[1:])
            elif kind == LEDGER:
                tick += 2
                self.ledger(when + timedelta(microseconds=tick), *op[1:])
            elif kind == FILE:
                self.writer.file(op[1], op[2])

    def audit(self, when: datetime, action: str, actor, object_type: str, object_id,
              from_state, to_state, data: dict) -> None:
        """The next event of the chain (workflow.engine.audit.event_hash)."""
        self.seq += 1
        digest = event_hash(self.seq, when, actor, action, object_type, object_id,
                            from_state, to_state, data, self.prev)
        self.writer.add("audit_events", {
            "seq": self.seq, "occurred_at": when, "actor_id": actor, "action": action,
            "object_type": object_type, "object_id": object_id, "from_state": from_state,
            "to_state": to_state, "data": data, "prev_hash": self.prev, "hash": digest})
        self.prev = digest

    def ledger(self, when: datetime, fund_id: int, code: str, kind: str, amount: int,
               booked_on: date, app_id, reference, actor, memo: str, links: dict) -> None:
        """A ledger entry and its event (ledger.post); a commitment the fund cannot cover
        is preceded by a donation."""
        if kind == "commitment":
            short = amount - (self.cash[fund_id] - self.committed[fund_id])
            if short > 0:
                self.top_up(when - timedelta(microseconds=1), code, short, booked_on)
        entry_id = self.ctx.ids.take("ledger_entries")
        self.writer.add("ledger_entries", {
            "id": entry_id, "fund_id": fund_id, "kind": kind, "amount_yen": amount,
            "booked_on": booked_on, "application_id": app_id,
            "tranche_id": links.get("tranche_id"), "donation_id": links.get("donation_id"),
            "repayment_id": links.get("repayment_id"), "actor_id": actor, "memo": memo,
            "created_at": when})
        if kind in CASH_IN:
            self.cash[fund_id] += amount
        elif kind == "disbursement":
            self.cash[fund_id] -= amount
            self.committed[fund_id] -= amount
        elif kind == "commitment":
            self.committed[fund_id] += amount
        elif kind == "commitment_release":
            self.committed[fund_id] -= amount
        self.audit(when, f"ledger.{kind}", actor, "ledger_entry", entry_id, None, None,
                   {"fund": code, "amount_yen": amount, "application": reference,
                    "memo": memo, **links})

    def donation(self, when: datetime, code: str, amount: int, received_on: date,
                 note: str = "") -> None:
        """A donation and its ledger entry, as workflow.money.donations.record_donation books it."""
        world, rng = self.ctx.world, self.rng
        fund = world.funds[code]
        if code == "WNF" and rng.random() < 0.8 or not world.donor_companies:
            org_id, name, _ = rng.choice(world.societies)
            donor_kind = "alumni_society"
        else:
            org_id, name = rng.choice(world.donor_companies)
            donor_kind = "company"
        donation_id = self.ctx.ids.take("donations")
        actor = rng.choice(world.secretariat)
        self.writer.add("donations", {
            "id": donation_id, "fund_id": fund.id, "donor_kind": donor_kind,
            "donor_organisation_id": org_id, "donor_name": name, "received_on": received_on,
            "amount_yen": amount, "note": note, "recorded_by_id": actor, "created_at": when})
        self.ledger(when, fund.id, code, "donation", amount, received_on, None, None, actor,
                    f"Donation from {name}", {"donation_id": donation_id})

    def top_up(self, when: datetime, code: str, short: int, booked_on: date) -> None:
        """A donation large enough for the commitment about to be booked."""
        unit = 10_000_000 if code == "WNF" else 500_000_000
        amount = (short // unit + 1 + self.rng.randrange(0, 3)) * unit
        self.donation(when, code, amount, booked_on, "Appeal for the year's programmes")


def donation_moments(ctx: Context, rng: random.Random, count: int) -> list:
    """Monthly gifts to the WNF fund over the years, sized to the volume being generated."""
    # Whole yen: the share is a float, and a float amount would be booked as one.
    monthly = max(1_000_000, int(count * GRANT_SHARE * 0.5 * 1_500_000) // (YEARS * 12))
    moments, day = [], ctx.first_day
    while day < ctx.today:
        when = datetime.combine(day, time(2, 0)) + timedelta(minutes=rng.randrange(0, 400))
        if when < ctx.now:
            moments.append((when, [("donation", "WNF", monthly // 10_000 * 10_000, day)]))
        day = (day.replace(day=1) + timedelta(days=32)).replace(day=min(day.day, 28))
    return moments


@contextlib.contextmanager
def bulk_connection():
    """A connection of its own for the bulk writes. On SQLite: a large page cache (the
    unique indexes take random keys), no fsync per commit and one checkpoint at the end
    instead of one per batch (demo data a crash would lose is made again by running the seed
    again). The settings are restored on the way out."""
    conn = db.engine.connect()
    conn.info[kept.NEW_FILES_ONLY] = True
    raw = conn.connection.dbapi_connection if conn.dialect.name == "sqlite" else None
    collecting = gc.isenabled()
    gc.disable()  # millions of short-lived rows: the cyclic collector would only rescan them
    try:
        if raw is not None:  # outside any transaction, as SQLite requires for these
            raw.execute("PRAGMA synchronous = NORMAL")
            raw.execute("PRAGMA cache_size = -262144")
            raw.execute("PRAGMA wal_autocheckpoint = 0")
        yield conn
    finally:
        if raw is not None:
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            raw.execute("PRAGMA wal_autocheckpoint = 1000")
            raw.execute("PRAGMA synchronous = FULL")
            raw.execute("PRAGMA cache_size = -2000")
        conn.info.pop(kept.NEW_FILES_ONLY, None)
        conn.close()
        if collecting:
            gc.enable()
