"""Where a work list paged by key starts, read from the query string (workflow.engine.keyset)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request


@dataclass(frozen=True)
class Place:
    number: int  # only shown: the cursor says where the page starts
    after: str | None
    before: str | None


def place(prefix: str = "") -> Place:
    """The page asked for; `prefix` names the list's arguments when a page has several."""
    number = max(request.args.get(prefix + "page", 1, type=int) or 1, 1)
    after = request.args.get(prefix + "after") or None
    before = None if after else (request.args.get(prefix + "before") or None)
    if after is None and before is None:
        number = 1  # without a cursor, the first page whatever the number says
    return Place(number, after, before)


def other_args(*prefixes: str) -> dict:
    """The query string without the places in these lists (the links add their own)."""
    names = {p + n for p in prefixes for n in ("page", "after", "before")}
    return {k: v for k, v in request.args.items() if k not in names}
