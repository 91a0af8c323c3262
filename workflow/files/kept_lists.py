"""The application list's count and pages, kept by each worker until files move.

Counting up to a thousand matching files reads up to a thousand index entries (and, for a
country, their organisations) on every page of the list, the same count from page to
page; a page deep in a country walks the sort order's index past the other countries'
files. Both can only change when an application is created or changes, and each such
change appends an audit event in its transaction (the chain's head moves), or when an
organisation, fund or round changes (the catalogue's mark moves): the list reads both
anyway, in one statement, for its filter bar. So they are kept until one of them moves.
"""

from __future__ import annotations

from dataclasses import replace

from models import User
from workflow.engine.chain_cache import UntilTheChainMoves

from . import catalogue, search

_counts = UntilTheChainMoves(max_entries=512)
_pages = UntilTheChainMoves(max_entries=256)


def count_up_to(filters: search.Filters, user: User, limit: int) -> int:
    """search.count_up_to, counted again only once the files or organisations have moved."""
    filters.check()
    marks = catalogue.marks()  # before the count: a count is never older than its marks
    return _counts.get((marks.catalogue, search.count_key(filters, user), limit),
                       lambda: search.count_up_to(filters, user, limit), head=marks.chain)


def page_of(filters: search.Filters, user: User, size: int, *, after: str | None = None,
            before: str | None = None, offset: int = 0, many: bool = False) -> search.Page:
    """search.page_of, read again only once the files or organisations have moved. The
    key holds what the user may see (count_key: every file, the submitted ones, an
    organisation's own, and whose)."""
    filters.check()
    marks = catalogue.marks()  # before the rows: a page is never older than its marks
    key = (marks.catalogue, search.count_key(filters, user), filters.sort, filters.descending,
           size, after, before, offset, many)
    page = _pages.get(key, lambda: search.page_of(filters, user, size, after=after,
                                                  before=before, offset=offset, many=many),
                      head=marks.chain)
    return replace(page, rows=list(page.rows))  # the caller's own list
