"""Human references such as WNF-2027-0042: per fund and fiscal year, never reused.

The counter row is incremented with one UPDATE … RETURNING, which PostgreSQL
row-locks and SQLite runs under its write lock, so two applications created at
the same instant get consecutive numbers and never the same one.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from models import Fund, ReferenceCounter, db

from .locking import ensure_write_transaction


def format_reference(fund_code: str, fiscal_year: int, number: int) -> str:
    return f"{fund_code}-{fiscal_year}-{number:04d}"


def allocate(fund: Fund, fiscal_year: int) -> tuple[int, str]:
    """The next number and reference of this fund and fiscal year."""
    conn = ensure_write_transaction(db.session)
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(
        insert(ReferenceCounter)
        .values(fund_id=fund.id, fiscal_year=fiscal_year, last_number=0)
        .on_conflict_do_nothing()
    )
    number = conn.execute(
        update(ReferenceCounter)
        .where(ReferenceCounter.fund_id == fund.id, ReferenceCounter.fiscal_year == fiscal_year)
        .values(last_number=ReferenceCounter.last_number + 1)
        .returning(ReferenceCounter.last_number)
    ).scalar_one()
    return number, format_reference(fund.code, fiscal_year, number)
