"""Where a list starts, read from the query string: a page number, or a cursor of a work
list paged by key (workflow.engine.keyset)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request

# No list has this many pages: a larger number (20 digits, say) is read as this one, and the
# list then shows its last page, rather than asking the database for an OFFSET past BIGINT.
LARGEST_PAGE_NUMBER = 10**6


def page_number(name: str = "page") -> int:
    """The page number asked for: ASCII digits, at least 1 (anything else: the first page),
    at most LARGEST_PAGE_NUMBER."""
    raw = request.args.get(name, "")
    if not (raw.isascii() and raw.isdigit()):
        return 1
    return min(max(int(raw), 1), LARGEST_PAGE_NUMBER)


def last_page(total: int, per_page: int) -> int:
    return max((total + per_page - 1) // per_page, 1)


@dataclass(frozen=True)
class Place:
    number: int  # only shown: the cursor says where the page starts
    after: str | None
    before: str | None


def place(prefix: str = "") -> Place:
    """The page asked for; `prefix` names the list's arguments when a page has several."""
    number = page_number(prefix + "page")
    after = request.args.get(prefix + "after") or None
    before = None if after else (request.args.get(prefix + "before") or None)
    if after is None and before is None:
        number = 1  # without a cursor, the first page whatever the number says
    return Place(number, after, before)


def other_args(*prefixes: str) -> dict:
    """The query string without the places in these lists (the links add their own)."""
    names = {p + n for p in prefixes for n in ("page", "after", "before")}
    return {k: v for k, v in request.args.items() if k not in names}
