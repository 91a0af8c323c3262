"""Answers a worker keeps until the audit trail moves on.

Every change of an application's state or due date goes through the workflow service,
which appends an audit event in the same transaction: the head of the chain (its last
sequence number and hash) moves whenever such an answer could change. One indexed read of
the head therefore tells whether a remembered answer still holds, where computing it again
would count thousands of rows (the home page's queues) on every request.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import Any

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
        if key not in self._values:
            if len(self._values) >= self.max_entries:  # e.g. one entry per organisation
                self._values.clear()
            self._values[key] = compute()
        return self._values[key]

    def forget(self) -> None:
        self._head, self._values = None, {}


def forget_all() -> None:
    """Drop every remembered answer: for tests, which write rows without the service."""
    for cache in list(_every_cache):
        cache.forget()
