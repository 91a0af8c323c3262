"""Login throttling that slows the attacker and locks nobody out, counted in the database.

Every failed password or code is a row of login_attempts, which every gunicorn worker
and host reads, so the limits hold however many there are. Failures make the next
attempt wait, the wait doubling with each failure past a free allowance, in three
scopes:

* the pair (account, address): failures since that pair's last completed login;
* the account, from addresses it does not know: failures since its last completed login;
* the address, on accounts that do not know it: failures within the last day.

An address is known to an account once a login from it has been completed (within
KNOWN_FOR). An attempt from a known address answers to its pair alone: an attacker's
failures from elsewhere never delay the owner at their usual address, nor do they
delay colleagues behind the same office address. Completed logins count in no scope,
so fifty colleagues behind one NAT all log in. Attempts refused for a wait are not
recorded: hammering does not push the wait further. Unknown emails are counted like
known ones, so the waits reveal nothing about who has an account.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, exists, func, not_, or_, select, text
from sqlalchemy.orm import aliased

from models import db, utcnow
from models.security import LoginAttempt
from workflow.engine import audit

WINDOW = timedelta(days=1)  # failures older than this count in no scope
KNOWN_FOR = timedelta(days=90)  # a completed login makes its address known this long
MAX_DOUBLINGS = 16  # past this the wait is at its longest anyway; keeps 2**n small
# PostgreSQL advisory locks of two int4 keys (apart from the audit chain's one bigint key):
# this class, and a hash of the account's email.
ATTEMPT_LOCK_CLASS = 0x574E464C  # "WNFL"
_ATTEMPT_LOCK = text("SELECT pg_advisory_xact_lock(:class_id, :account)")


@dataclass(frozen=True)
class Scope:
    """What is counted together, and how the wait grows with its failures."""

    name: str
    free: int  # failures before any wait
    first_wait: timedelta
    longest_wait: timedelta

    def wait_after(self, failures: int) -> timedelta | None:
        if failures < self.free:
            return None
        doublings = min(failures - self.free, MAX_DOUBLINGS)
        return min(self.longest_wait, self.first_wait * 2 ** doublings)


PAIR = Scope("account and address", 5, timedelta(seconds=30), timedelta(minutes=15))
ACCOUNT = Scope("account", 10, timedelta(minutes=1), timedelta(minutes=15))
ADDRESS = Scope("address", 20, timedelta(minutes=1), timedelta(minutes=15))


@dataclass(frozen=True)
class Wait:
    """Until when attempts of this account from this address are refused, and why."""

    until: datetime
    scope: Scope


def one_attempt_at_a_time(email: str) -> None:
    """Serialise the attempts on one account until the caller's transaction ends, so that
    guesses sent together cannot all pass before the first one's failure is counted.
    SQLite needs nothing more: a login POST holds its write lock from the first statement."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        account = int.from_bytes(hashlib.sha256(email.encode()).digest()[:4], "big",
                                 signed=True)
        connection.execute(_ATTEMPT_LOCK, {"class_id": ATTEMPT_LOCK_CLASS, "account": account})


def _at(column, address: str | None):
    return column.is_(None) if address is None else column == address


def _logins(email: str, now: datetime) -> dict[str | None, datetime]:
    """The addresses this account completed a login from (within KNOWN_FOR), with the
    latest such login from each."""
    rows = db.session.execute(
        select(LoginAttempt.remote_addr, func.max(LoginAttempt.at))
        .where(LoginAttempt.email == email, LoginAttempt.succeeded.is_(True),
               LoginAttempt.at >= now - KNOWN_FOR)
        .group_by(LoginAttempt.remote_addr))
    return dict(rows.all())


def _failures(*conditions) -> tuple[int, datetime | None]:
    """How many failed attempts match, and the latest of them."""
    count, latest = db.session.execute(
        select(func.count(), func.max(LoginAttempt.at))
        .where(LoginAttempt.succeeded.is_(False), *conditions)).one()
    return count, latest


def _address_failures(address: str | None, since: datetime, now: datetime):
    """Failures from the address on accounts that do not know it (a colleague mistyping
    their own password at the office does not count against the office's address)."""
    success = aliased(LoginAttempt)
    known_there = exists().where(success.email == LoginAttempt.email,
                                 _at(success.remote_addr, address),
                                 success.succeeded.is_(True), success.at >= now - KNOWN_FOR)
    return _failures(_at(LoginAttempt.remote_addr, address), LoginAttempt.at >= since,
                     not_(known_there))


def known_address(email: str, address: str | None, now: datetime | None = None) -> bool:
    """Whether this account has completed a login from this address (within KNOWN_FOR)."""
    now = now or utcnow()
    return address in _logins(email, now)


def wait_for(email: str, address: str | None, now: datetime | None = None) -> Wait | None:
    """The wait this account's next attempt from this address must sit out, or None."""
    now = now or utcnow()
    window_start = now - WINDOW
    logins = _logins(email, now)
    counts = [(PAIR, _failures(
        LoginAttempt.email == email, _at(LoginAttempt.remote_addr, address),
        LoginAttempt.at > max(logins.get(address, window_start), window_start)))]
    if address not in logins:
        last_login = max(logins.values(), default=window_start)
        from_unknown = or_(LoginAttempt.remote_addr.is_(None),
                           LoginAttempt.remote_addr.not_in([a for a in logins if a]))
        counts.append((ACCOUNT, _failures(
            LoginAttempt.email == email, from_unknown,
            LoginAttempt.at > max(last_login, window_start))))
        counts.append((ADDRESS, _address_failures(address, window_start, now)))
    longest = None
    for scope, (failures, latest) in counts:
        wait = scope.wait_after(failures)
        if wait is not None and latest + wait > now and (
                longest is None or latest + wait > longest.until):
            longest = Wait(latest + wait, scope)
    return longest


def prune(now: datetime | None = None) -> dict[str, int]:
    """Delete the attempts no scope reads any more: failures older than WINDOW, completed
    logins older than KNOWN_FOR. The audit chain keeps every attempt's event."""
    now = now or utcnow()
    stale = or_(and_(LoginAttempt.succeeded.is_(False), LoginAttempt.at < now - WINDOW),
                and_(LoginAttempt.succeeded.is_(True), LoginAttempt.at < now - KNOWN_FOR))
    removed = db.session.execute(delete(LoginAttempt).where(stale)
                                 .execution_options(synchronize_session=False)).rowcount
    kept = db.session.scalar(select(func.count()).select_from(LoginAttempt))
    report = {"removed": removed, "kept": kept}
    audit.record("login_attempts_pruned", actor=None, object_type="login_attempts",
                 object_id=None, data=report)
    return report
