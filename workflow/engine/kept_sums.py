"""Rows of sums kept in the transaction of whatever changes them (the funds' totals, the
portfolio's figures): one rule for adding to such a row, whichever table it is in."""

from __future__ import annotations

from sqlalchemy import and_, inspect, update
from sqlalchemy.dialects import postgresql, sqlite

from .kept import figures_changed

_DIALECT_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def add_to(conn, table, key: dict, sums: dict) -> None:
    """Add `sums` to the row of a kept table at `key` (made with them if new): one INSERT …
    ON CONFLICT DO UPDATE, whose row lock serialises two writers of one row. A sum taken
    away (negative) needs the row to be there: it was counted in it before. The table's
    revision moves first (workflow.engine.kept.figures_changed)."""
    figures_changed(table.name, conn)
    if any(value < 0 for value in sums.values()):
        conn.execute(update(table).where(and_(*(table.c[k] == v for k, v in key.items())))
                     .values({name: table.c[name] + value for name, value in sums.items()}))
        return
    statement = _DIALECT_INSERT[conn.dialect.name](table)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c[name] for name in key],
        set_={name: table.c[name] + statement.excluded[name] for name in sums})
    conn.execute(statement, {**key, **sums})


def before_flush(obj, name: str):
    """The attribute's value as the database held it before this flush, for a hook after
    the flush that moves the row's sums (the columns keyed on load what they replace:
    active_history on the models)."""
    history = inspect(obj).attrs[name].history
    if history.deleted:
        return history.deleted[0]
    return None if history.added else getattr(obj, name)
