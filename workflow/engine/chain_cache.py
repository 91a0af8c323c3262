"""Answers a worker keeps until the audit trail moves on.

Every change of an application's state or due date goes through the workflow service,
which appends an audit event in the same transaction: the head of the chain (its last
sequence number and hash) moves whenever such an answer could change. One indexed read of
the head therefore tells whether a remembered answer still holds, where computing it again
would count thousands of rows (the home page's queues) on every request.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from . import reading
from .audit import chain_head

_every_cache: weakref.WeakSet[UntilTheChainMoves] = weakref.WeakSet()


class UntilTheChainMoves:
    """A per-worker memo whose entries all lapse when the chain's head changes."""

    def __init__(self, max_entries: int = 1024):
        self.max_entries = max_entries
        self._head: tuple[int, str] | None = None
        self._values: dict[Hashable, Any] = {}
        _every_cache.add(self)

    def get(self, key: Hashable, compute: Callable[[], Any], head: Hashable = None) -> Any:
        """`head`: the chain's head as the caller has just read it (with other marks, in
        one statement); else it is read here."""
        # Read in the caller's transaction, before the answer: an answer computed later in
        # it is never older than the head it is filed under.
        if head is None:
            head = chain_head()
        if head != self._head:
            self._head, self._values = head, {}
        # Filed in the dict of this head: were another thread to move to a newer head
        # while this one computes, the answer goes with the old dict, not into the new.
        values = self._values
        if key not in values:
            if len(values) >= self.max_entries:  # e.g. one entry per organisation
                values.clear()
            values[key] = compute()
        return values[key]

    def forget(self) -> None:
        self._head, self._values = None, {}


def forget_all() -> None:
    """Drop every remembered answer: for tests, which write rows without the service."""
    for cache in list(_every_cache):
        cache.forget()


# What an application's page reads of the file beyond the file itself: its timeline,
# ballots and tranches as rows, the loan's figures and a closed ballot's panel rendered
# (webui/loans/panel.py, webui/committee/panel.py). Each is changed only by a step that
# appends to the chain (administrative saves included, for the names shown), so a worker
# keeps it until the head moves. On PostgreSQL that spares the page six of its nine
# round trips.
_file_reads = UntilTheChainMoves(max_entries=600)
_HEAD_KEY = ("chain_cache", "head")


def note_head(head: tuple[int, str]) -> None:
    """The chain's head as the page has just read it, with the file (one statement)."""
    reading.remember(_HEAD_KEY, lambda: head)


def kept_for_page(name: str, key: Hashable, compute: Callable[[], Any]) -> Any:
    """`compute()`'s answer, as this worker kept it since the chain last moved.

    Only a page's read scope (a GET request) is served a kept answer: a change and the
    guards it runs always read afresh. The answer is shared by every later page, so it
    must not change and must hold nothing of the session (plain rows, text).
    """
    if not reading.active():
        return compute()
    head = reading.remember(_HEAD_KEY, chain_head)
    return _file_reads.get((name, key), compute, head=head)


def page_rows(name: str, application_id: int, read: Callable[[], Sequence]) -> list:
    """`read()`'s rows for this file, kept as kept_for_page keeps them; the caller gets
    its own list."""
    return list(kept_for_page(name, application_id, lambda: tuple(read())))
