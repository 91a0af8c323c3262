"""Login security: the login steps and their throttling, two-factor login, hash upgrades,
session policy.

Views hand plain data here (the typed email, the client's address, the code) and
commit once afterwards; nothing here reads the request or the session. Every
attempt is counted in the database (workflow.people.throttle reads the counts), so the
waits hold across gunicorn workers and hosts. Audit data never holds a password or
a code.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext
from sqlalchemy import or_, select, update
from werkzeug.security import generate_password_hash

from models import User, db, sealing, utcnow, write_intent
from models import user as user_model
from models.i18n import N_
from models.security import LoginAttempt, RecoveryCode
from workflow.engine import audit

from . import accounts, second_factor, throttle
from .second_factor import recovery_codes_left, requires_second_factor

log = logging.getLogger(__name__)

WAIT_MESSAGE = N_("Too many failed attempts: please wait until %(time)s UTC, then try again.")


def wait_message(until: datetime) -> str:
    return gettext(WAIT_MESSAGE, time=f"{until:%H:%M:%S}")


def normalised_email(typed: str) -> str:
    """The email as attempts are counted under (NUL cannot be stored in PostgreSQL text:
    such an email is no one's, counted without it)."""
    return User.normalise_email(typed).replace("\x00", "")[:254]


def email_of(user_id: int) -> str | None:
    return db.session.scalar(select(User.email).where(User.id == user_id))


def address_known(email: str, address: str | None) -> bool:
    """Whether the account has completed a login from this address (its usual one)."""
    return throttle.known_address(normalised_email(email), _address(address))


def _address(address: str | None) -> str | None:
    """The client's address as stored (64 characters at most, no NUL)."""
    return address.replace("\x00", "")[:64] if address else None


# -- Throttling (workflow.people.throttle counts; here the failures are recorded and audited) --


def _failed(email: str, address: str | None, stage: str, now: datetime, action: str,
            user: User | None) -> datetime | None:
    """Count and audit a failure; return the end of the wait it starts, if it does."""
    db.session.add(LoginAttempt(email=email, remote_addr=address, stage=stage,
                                succeeded=False, at=now))
    db.session.flush()
    target = {"object_type": "user", "object_id": user.id if user else None}
    # What was typed as the email; not kept when it is no email (a password typed there?).
    data = {"email": email if "@" in email else None, "address": address}
    audit.record(action, actor=None, data=data, **target)
    wait = throttle.wait_for(email, address, now)
    if wait is None:
        return None
    audit.record("login_delayed", actor=None, **target,
                 data={**data, "until": wait.until, "scope": wait.scope.name})
    return wait.until


@dataclass(frozen=True)
class PasswordStep:
    """The outcome of the first step: a user (password right), a wait, or neither."""

    user: User | None = None
    wait_until: datetime | None = None

    @property
    def needs_second_factor(self) -> bool:
        return self.user is not None and requires_second_factor(self.user)


def check_password_step(email: str, password: str, *, address: str | None,
                        now: datetime | None = None) -> PasswordStep:
    """Check the email and password, counting failures; never says which one was wrong."""
    now, address = now or utcnow(), _address(address)
    email = normalised_email(email)
    throttle.one_attempt_at_a_time(email)
    wait = throttle.wait_for(email, address, now)
    if wait is not None:
        return PasswordStep(wait_until=wait.until)  # the password is not even checked
    user = accounts.authenticate(email, password)
    if user is None:
        known = accounts.find_user_by_email(email)
        return PasswordStep(wait_until=_failed(email, address, "password", now,
                                               "login_failed", known))
    upgrade_password_hash(user, password)
    return PasswordStep(user=user)


def complete_login(user: User, *, address: str | None, second_factor: str | None = None,
                   remember: bool = False, now: datetime | None = None) -> None:
    """Record a completed login: its address becomes known to the account (which then
    answers only to its own failures there), and it joins the audit chain."""
    stage, address = "code" if second_factor else "password", _address(address)
    db.session.add(LoginAttempt(email=user.email, remote_addr=address, stage=stage,
                                succeeded=True, at=now or utcnow()))
    data = {"address": address, "second_factor": second_factor, "remember": remember}
    if second_factor == "recovery_code":
        data["recovery_codes_left"] = recovery_codes_left(user)
    audit.record("login", actor=user, object_type="user", object_id=user.id, data=data)


def record_logout(user: User) -> None:
    """Log out every copy of the user's cookies (session and remember-me) and audit it."""
    user.rotate_session_token()
    audit.record("logout", actor=user, object_type="user", object_id=user.id)


def upgrade_password_hash(user: User, password: str) -> bool:
    """Rehash with the current PASSWORD_METHOD when the stored hash used other parameters."""
    method = user_model.PASSWORD_METHOD  # read at call time: the tests make it cheaper
    if user.password_hash.split("$", 1)[0] == _hash_prefix(method):
        return False
    user.password_hash = generate_password_hash(password, method=method)
    return True


@functools.cache
def _hash_prefix(method: str) -> str:
    """The method as werkzeug writes it, defaults spelt out ("scrypt:32768:8:1")."""
    return generate_password_hash("", method=method).split("$", 1)[0]


# -- Two-factor login --------------------------------------------------------------------------


def _accept_totp(user: User, code: str, now: datetime) -> bool:
    try:
        secret = user.totp_secret or ""
    except sealing.SealBroken:
        log.error("The TOTP secret of user %s does not open with TOTP_ENCRYPTION_KEYS: no "
                  "code can be accepted until the key it was sealed with is restored.", user.id)
        return False
    step = second_factor.matching_step(secret, code, now)
    if step is None:
        return False
    # Conditional update: a code (or an older one) is accepted once, even by racing requests.
    result = db.session.execute(
        update(User).where(User.id == user.id, or_(User.totp_last_step.is_(None),
                                                  User.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False))
    db.session.expire(user, ["totp_last_step"])
    return result.rowcount == 1


def _accept_recovery_code(user: User, code: str, now: datetime) -> bool:
    result = db.session.execute(
        update(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                   RecoveryCode.code_hash == second_factor.code_hash(code),
                                   RecoveryCode.used_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False))
    return result.rowcount == 1


@dataclass(frozen=True)
class CodeStep:
    """The outcome of the second step: how it passed ("totp", "recovery_code"), or a wait."""

    method: str | None = None
    wait_until: datetime | None = None


def check_code_step(user: User, code: str, *, address: str | None,
                    now: datetime | None = None) -> CodeStep:
    """Check a TOTP or recovery code; failures count like wrong passwords."""
    now, address = now or utcnow(), _address(address)
    throttle.one_attempt_at_a_time(user.email)
    wait = throttle.wait_for(user.email, address, now)
    if wait is not None:
        return CodeStep(wait_until=wait.until)
    code = second_factor.clean_code(code)
    if _accept_totp(user, code, now):
        return CodeStep(method="totp")
    if len(code) == second_factor.RECOVERY_CODE_LENGTH and _accept_recovery_code(user, code, now):
        return CodeStep(method="recovery_code")
    return CodeStep(wait_until=_failed(user.email, address, "code", now,
                                       "login_2fa_failed", user))


# -- Session policy and denied accesses --------------------------------------------------------


def session_expiry(login_at: float | None, seen_at: float | None, now: float, *,
                   idle: timedelta, maximum: timedelta) -> str | None:
    """Why a session (times in epoch seconds) has ended: "absolute", "idle", "unknown" or None."""
    if login_at is None or seen_at is None:
        return "unknown"  # times lost (a cookie from elsewhere): the policy cannot vouch for it
    if now - login_at > maximum.total_seconds():
        return "absolute"
    if now - seen_at > idle.total_seconds():
        return "idle"
    return None


@dataclass(frozen=True)
class _ActorRef:
    """Who acted, by id alone: all that audit.record reads of an actor."""

    id: int


def record_denied_access(actor_id: int, *, endpoint: str | None, method: str,
                         path: str) -> None:
    """Audit a refused page in a short write transaction of its own, committed at once.

    A denied GET runs in a read-only transaction (SQLite: plain BEGIN, no write
    lock), so the event goes through a separate connection that takes the write
    lock (BEGIN IMMEDIATE). The caller ends its own transaction first and passes
    the actor's id, not the User, whose reload would open a new one.
    """
    with write_intent(True), db.engine.begin() as connection:
        audit.record("access_denied", actor=_ActorRef(actor_id), object_type="user",
                     object_id=actor_id, connection=connection,
                     data={"endpoint": endpoint, "method": method, "path": path[:500]})
