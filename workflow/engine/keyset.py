"""Pages of a work list by key, oldest first: the screening queue, the committee's ballots.

As the application list does (workflow.files.search): a page starts right after (or ends right
before) a given row's sort key, so the database walks an index from there instead of
reading and throwing away every earlier row (OFFSET), and page 100 costs what page 1 does.
The key always ends with a unique id, so every row has exactly one place. It travels in
the Next and Previous links as an opaque cursor, which names its list: a cursor of one
list is refused by another.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext
from sqlalchemy import BigInteger, Integer, Select, bindparam, func, literal, select, tuple_

from models import db
from models.i18n import N_

from .errors import ValidationFailed


@dataclass
class Page:
    rows: list  # what the query selects, without the key
    after: str | None  # the cursor of the next page; None on the last one
    before: str | None  # the cursor of the previous page; None on the first one


def encode_cursor(names: Sequence, values: Sequence) -> str:
    """A row's sort key as an opaque cursor for a link, after what names its list (and
    order): a cursor of one list, or of one order of it, is refused by another."""
    plain = [v.isoformat() if isinstance(v, date) else v for v in values]
    data = json.dumps([*names, plain], separators=(",", ":"))
    return base64.urlsafe_b64encode(data.encode()).decode().rstrip("=")


def _typed(kind: type, value):
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    return value


# A cursor that does not fit its list (edited, cut short, of another list or order):
# the list says so and starts again, rather than the database refusing the value.
OUT_OF_DATE = N_("This link is out of date; start again from the first page of the list.")


def out_of_date() -> ValidationFailed:
    return ValidationFailed(gettext(OUT_OF_DATE), "page")


def key_value(column, value):
    """One value of a sort key read from a cursor, as its column holds it: of the column's
    type, within an integer column's range, and text without NUL (which PostgreSQL
    refuses). Raises ValueError otherwise."""
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("a NUL in text")  # (a date would even be read without it)
    kind = column.type.python_type
    value = _typed(kind, value)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ValueError("a value of the wrong type")
    if isinstance(value, int):
        bits = 63 if isinstance(column.type, BigInteger) else 31
        if not -(2**bits) <= value < 2**bits:
            raise ValueError("a number past the column's range")
    return value


def decode_cursor(names: Sequence, key: Sequence, cursor: str) -> list:
    """The key values in a cursor, checked against the list's names and the key's columns
    (type, an integer column's range, no NUL): a link that was edited, or kept from another
    list, is refused with a sentence rather than by the database."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        *listed, plain = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if listed != list(names) or len(plain) != len(key):
            raise ValueError("another list")
        return [key_value(column, value) for column, value in zip(key, plain, strict=True)]
    except (ValueError, TypeError, OverflowError, json.JSONDecodeError, binascii.Error):
        raise out_of_date() from None


def page_of(name: str, query: Select, key: Sequence, size: int, *, after: str | None = None,
            before: str | None = None, execute: Callable | None = None,
            params: dict | None = None) -> Page:
    """`size` rows of `query` in ascending order of `key`, after or before a cursor.

    execute: how to run the statement (the session's by default; ORM entities need it).
    params: the values of `query`'s bound parameters, for a query built once and kept by
    the caller (one per process): its ordered statements are then built once too.
    """
    backwards = before is not None
    cursor = before if backwards else after
    values = decode_cursor([name], key, cursor) if cursor is not None else None
    if params is not None:
        statement = _kept_page_statement(query, tuple(key), backwards, cursor is not None)
        params = {**params, "page_size": size + 1,
                  **{f"key_{i}": v for i, v in enumerate(values or ())}}
    else:
        statement = _page_statement(query, key, backwards, size + 1, None if values is None
                                    else [literal(v, c.type) for c, v in zip(key, values,
                                                                              strict=True)])
    run = execute or db.session.execute
    found = (run(statement, params) if params is not None else run(statement)).all()
    more = len(found) > size
    found = found[:size]
    if backwards:
        found.reverse()
    width = len(found[0]) - len(key) if found else 0
    rows = [row[0] if width == 1 else tuple(row[:width]) for row in found]
    first, last = (found[0][width:], found[-1][width:]) if found else (None, None)
    has_next = (not backwards and more) or (backwards and bool(found))
    has_previous = (backwards and more) or (not backwards and cursor is not None and
                                           bool(found))
    return Page(rows=rows, after=encode_cursor([name], last) if has_next else None,
                before=encode_cursor([name], first) if has_previous else None)


def _page_statement(query: Select, key: Sequence, backwards: bool, limit, start) -> Select:
    """`query` ordered by `key` and limited, from `start` (the cursor's key, as SQL values)."""
    order = [c.desc() if backwards else c.asc() for c in key]
    statement = query.add_columns(*key).order_by(*order).limit(limit)
    if start is not None:
        statement = statement.where(tuple_(*key) < tuple_(*start) if backwards
                                    else tuple_(*key) > tuple_(*start))
    return statement


@functools.lru_cache(maxsize=64)
def _kept_page_statement(query: Select, key: tuple, backwards: bool, from_cursor: bool
                         ) -> Select:
    """The page's statement of a query kept by its caller, with the page's size and the
    cursor's key as bound parameters (page_size, key_0, key_1, …)."""
    return _page_statement(query, key, backwards, bindparam("page_size", type_=Integer),
                           [bindparam(f"key_{i}", type_=c.type) for i, c in enumerate(key)]
                           if from_cursor else None)


def count_up_to(query: Select, limit: int, params: dict | None = None) -> int:
    """How many rows `query` (selecting one column) has, counting no further than `limit`:
    a list need not read 2,000 rows to say that there are more than a thousand. `params`:
    the values of the query's bound parameters."""
    return db.session.scalar(select(func.count()).select_from(
        query.order_by(None).limit(limit).subquery()), params)
