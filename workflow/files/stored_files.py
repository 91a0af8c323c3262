"""Files written in a transaction live only if it commits.

An upload is written to disk before the transaction that records it commits
(attachments.store). When that transaction ends any other way (a refused step rolled
back, a commit that failed, a request ended by an error), the files it wrote are
removed, so that no file lies in the upload folder that no row names and no audit
event records. A savepoint that rolls back takes its files with it; one that is
released hands them to the transaction around it. Listens on every SQLAlchemy session.
"""

from __future__ import annotations

import contextlib
import logging
import os

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

log = logging.getLogger(__name__)

_WRITTEN = "files_written_uncommitted"  # session.info: {transaction: [path, …]}


def _innermost(session: Session) -> SessionTransaction | None:
    return session.get_nested_transaction() or session.get_transaction()


def remove_unless_committed(session: Session, path: str) -> None:
    """Remove the file at `path` unless the session's current transaction commits."""
    transaction = _innermost(session) or session.begin()  # the one its row will join
    session.info.setdefault(_WRITTEN, {}).setdefault(transaction, []).append(path)


def _remove(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)
        log.info("Removed %s: the transaction that stored it did not commit.", path)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    written = session.info.get(_WRITTEN)
    transaction = _innermost(session)  # the one committing: not yet closed
    if not written or transaction not in written:
        return
    files = written.pop(transaction)
    if transaction.nested and transaction.parent is not None:
        written.setdefault(transaction.parent, []).extend(files)  # kept only if it commits


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    written = session.info.get(_WRITTEN)
    if written and transaction in written:
        for path in written.pop(transaction):  # still here: it did not commit
            _remove(path)
