"""Each fund's ledger summed by kind and fiscal year (`fund_totals`), kept exact.

`workflow.money.ledger.post`, the one function that books an entry, adds it to its row in
the same transaction (one INSERT … ON CONFLICT DO UPDATE: the row's lock serialises two
bookings of one kind, and the fund's lock is held already by whatever may lower its
balance). The fund pages and the portfolio read these few rows instead of summing a
ledger that only grows. `differences` holds them to an independent sum of the ledger
(`flask audit verify --full`, and the tests); `rebuild` sums them afresh, for a writer
that fills the ledger in bulk (the scale demo).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, func, insert, select

from models import Fund, FundTotal, LedgerEntry, db
from workflow.engine.fiscal import fiscal_year
from workflow.engine.kept_sums import add_to

_TOTALS = FundTotal.__table__
_ENTRIES = LedgerEntry.__table__

DIFFERS = ("The kept {kind} total of the {fund} fund for fiscal year {year} is ¥{kept:,} "
           "in {kept_entries} entries; its ledger sums to ¥{summed:,} in {entries} entries.")
MATCHED = "the kept totals of {funds} funds match their ledgers"


def add(conn, fund_id: int, kind: str, booked_on: date, amount_yen: int) -> None:
    """Count one booked entry in its fund's total (inside the booking's transaction)."""
    add_to(conn, _TOTALS, {"fund_id": fund_id, "kind": kind,
                           "fiscal_year": fiscal_year(booked_on)},
           {"amount_yen": amount_yen, "entries": 1})


def _summed(conn) -> dict[tuple[int, str, int], tuple[int, int]]:
    """(fund, kind, fiscal year) → (yen, entries), summed from the ledger itself."""
    rows = conn.execute(
        select(_ENTRIES.c.fund_id, _ENTRIES.c.kind, _ENTRIES.c.booked_on,
               func.sum(_ENTRIES.c.amount_yen), func.count())
        .group_by(_ENTRIES.c.fund_id, _ENTRIES.c.kind, _ENTRIES.c.booked_on)).all()
    totals: dict[tuple[int, str, int], tuple[int, int]] = {}
    for fund_id, kind, day, amount, count in rows:
        if isinstance(day, str):  # a raw SQLite date
            day = date.fromisoformat(day)
        key = (fund_id, kind, fiscal_year(day))
        yen, entries = totals.get(key, (0, 0))
        totals[key] = (yen + int(amount), entries + int(count))
    return totals


def kept(conn) -> dict[tuple[int, str, int], tuple[int, int]]:
    rows = conn.execute(select(_TOTALS.c.fund_id, _TOTALS.c.kind, _TOTALS.c.fiscal_year,
                               _TOTALS.c.amount_yen, _TOTALS.c.entries)).all()
    return {(f, k, y): (int(a), int(n)) for f, k, y, a, n in rows}


def differences(connection=None) -> list[str]:
    """Each kept total that is not its ledger's sum, in words; empty when all match."""
    conn = connection if connection is not None else db.session.connection()
    summed, held = _summed(conn), kept(conn)
    codes = dict(conn.execute(select(Fund.id, Fund.code)).all())
    said = []
    for key in sorted(set(summed) | set(held)):
        if summed.get(key, (0, 0)) != held.get(key, (0, 0)):
            fund_id, kind, year = key
            (yen, entries), (kept_yen, kept_entries) = summed.get(key, (0, 0)), held.get(
                key, (0, 0))
            said.append(DIFFERS.format(kind=kind, fund=codes.get(fund_id, fund_id), year=year,
                                       kept=kept_yen, kept_entries=kept_entries, summed=yen,
                                       entries=entries))
    return said


def rebuild(connection=None) -> None:
    """Sum every total afresh from the ledger (after a bulk writer filled it)."""
    conn = connection if connection is not None else db.session.connection()
    summed = _summed(conn)
    conn.execute(delete(_TOTALS))
    if summed:
        conn.execute(insert(_TOTALS), [
            {"fund_id": f, "kind": k, "fiscal_year": y, "amount_yen": a, "entries": n}
            for (f, k, y), (a, n) in sorted(summed.items())])
