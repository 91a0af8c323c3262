"""A memo of read-only lookups for one page: several panels ask for the same rows.

The application page shows a grant's budget in its proposal panel, its screening
checklist and its guards; its ballots in the committee panel and in the buttons'
recusal rule; its partners in the proposal and in the eligible voters. Each such
lookup decorated with `memoised` runs once per page instead of once per asker.

The memo is active only inside a read scope, which the web app opens for each
GET request (`begin()` … `end()`); outside one every call queries afresh, so the
write paths (votes, transitions, CLI commands) never see a remembered answer.
Any flush, commit or rollback of a session empties it all the same.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any, TypeVar

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

F = TypeVar("F", bound=Callable[..., Any])

_memo: ContextVar[dict | None] = ContextVar("read_memo", default=None)


def begin(read_only: bool = True) -> None:
    """Open a read scope for this context (a GET request); a write request gets none."""
    _memo.set({} if read_only else None)


def end() -> None:
    """Close the scope and let go of what it remembered."""
    _memo.set(None)


@contextlib.contextmanager
def read_scope() -> Iterator[None]:
    """A read scope for a block (tests, benchmarks, CLI reports that only read)."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def active() -> bool:
    """Whether lookups are remembered now: only inside a read scope."""
    return _memo.get() is not None


def _key(value: Any) -> Any:
    """Mapped objects by class and primary key (they are not hashable by value)."""
    state = inspect(value, raiseerr=False)
    if state is not None and hasattr(state, "identity"):
        return (type(value).__name__, state.identity or id(value))
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(_key(v) for v in value)
    return value


def remember(key: tuple, compute: Callable[[], Any]) -> Any:
    """`compute()` once per key inside a read scope; every time outside one."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def remember_each(name: str, objects: list, compute: Callable[[list], dict]) -> dict:
    """Per object id, a value remembered per object: `compute(missing)` answers for the
    objects not yet remembered (or all of them, outside a read scope) in one go."""
    memo = _memo.get()
    if memo is None:
        return compute(objects)
    missing = [o for o in objects if (name, _key(o)) not in memo]
    if missing:
        found = compute(missing)
        for o in missing:
            memo[(name, _key(o))] = found[o.id]
    return {o.id: memo[(name, _key(o))] for o in objects}


def memoised(func: F) -> F:
    """Decorate a read-only lookup whose answer depends only on its arguments.

    Lists and dicts come back as fresh copies, so a caller that sorts or adds cannot change
    what the next caller gets.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        key = (func.__module__, func.__qualname__, _key(args),
               tuple(sorted((k, _key(v)) for k, v in kwargs.items())))
        value = remember(key, lambda: func(*args, **kwargs))
        if isinstance(value, list | dict):
            return type(value)(value)
        return value

    return wrapper  # type: ignore[return-value]


def _forget(*_args) -> None:
    memo = _memo.get()
    if memo:
        memo.clear()


# Anything written or undone makes the remembered answers suspect.
for _name in ("after_flush", "after_commit", "after_rollback"):
    event.listen(Session, _name, _forget)
