"""The application list's count and pages, kept by each worker until files move.

Counting up to a thousand matching files reads up to a thousand index entries (and, for a
country, their organisations) on every page of the list, the same count from page to
page; a page deep in a country walks the sort order's index past the other countries'
files. Both can only change when an application is created or changes, or when an
organisation, fund or round changes: each moves the lists' revision in its transaction
(workflow.engine.kept), which the list reads anyway for its filter bar. So they are kept until
it moves.
"""

from __future__ import annotations

from dataclasses import replace

from models import User
from workflow.engine import kept

from . import search

_counts = kept.KeptAnswers("list counts", max_entries=512, under=frozenset({"lists"}))
_pages = kept.KeptAnswers("list pages", max_entries=256, under=frozenset({"lists"}))


def count_up_to(filters: search.Filters, user: User, limit: int) -> int:
    """search.count_up_to, counted again only once the files or organisations have moved."""
    filters.check()
    revision = kept.marks().file_lists  # before the count: never older than its revision
    return _counts.get((search.count_key(filters, user), limit), revision,
                       lambda: search.count_up_to(filters, user, limit))


def page_of(filters: search.Filters, user: User, size: int, *, after: str | None = None,
            before: str | None = None, offset: int = 0, many: bool = False) -> search.Page:
    """search.page_of, read again only once the files or organisations have moved. The
    key holds what the user may see (count_key: every file, the submitted ones, an
    organisation's own, and whose)."""
    filters.check()
    revision = kept.marks().file_lists  # before the rows: never older than its revision
    key = (search.count_key(filters, user), filters.sort, filters.descending,
           size, after, before, offset, many)
    page = _pages.get(key, revision, lambda: search.page_of(
        filters, user, size, after=after, before=before, offset=offset, many=many))
    return replace(page, rows=list(page.rows))  # the caller's own list
