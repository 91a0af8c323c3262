"""How many applications match a list's filters, kept by each worker until files move.

Counting up to a thousand matching files reads up to a thousand index entries (and, for a
country, their organisations) on every page of the list, the same count from page to
page. It can only change when an application is created or changes, and each such change
appends an audit event in its transaction (the chain's head moves), or when an
organisation changes (the catalogue's mark moves): the list reads both anyway, in one
statement, for its filter bar. So the count is kept until one of them moves.
"""

from __future__ import annotations

from models import User

from . import catalogue, search
from .chain_cache import UntilTheChainMoves

_kept = UntilTheChainMoves(max_entries=512)


def count_up_to(filters: search.Filters, user: User, limit: int) -> int:
    """search.count_up_to, counted again only once the files or organisations have moved."""
    filters.check()
    marks = catalogue.marks()  # before the count: a count is never older than its marks
    return _kept.get((marks.catalogue, search.count_key(filters, user), limit),
                     lambda: search.count_up_to(filters, user, limit), head=marks.chain)
