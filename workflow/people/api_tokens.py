"""Personal access tokens: made on the profile page or by `flask tokens create`, shown once,
kept as a SHA-256 of the secret, revocable, with their last use recorded.

A token's secret is 32 random bytes, so a fast hash is enough to keep it (nothing to guess
from the hash); looking it up by its hash is one indexed read per API request.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from models import ApiAnswer, ApiToken, User, db, utcnow
from models.i18n import N_
from workflow.engine import audit
from workflow.engine.errors import NotFound, ValidationFailed

from .second_factor import requires_second_factor

SECRET_PREFIX = "wnf_"  # so that a leaked token is recognised by secret scanners
DEFAULT_DAYS = 90
MAX_DAYS = 366
NAME_LENGTH = 100
# A token used again within this long keeps its recorded last use: one write a minute at
# most, rather than one per request.
LAST_USE_GRAIN = timedelta(minutes=1)

SCOPE_LABELS = {"read": "Read only", "write": "Read and write"}
NEEDS_SECOND_FACTOR = N_("Your roles move money or decide: set up your two-factor login "
                         "before making a token.")


@dataclass(frozen=True)
class NewToken:
    """A token just made: `secret` is shown this once and never stored."""

    token: ApiToken
    secret: str


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create(user: User, name: str, scope: str, days: int = DEFAULT_DAYS, *,
           actor: User | None = None) -> NewToken:
    """Make a token for `user`; refused for a money or deciding role without a second factor."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Give the token a name, to recognise it later."), "name")
    if len(name) > NAME_LENGTH:
        raise ValidationFailed(_("The name is longer than %(name_length)s characters.",
                                 name_length=NAME_LENGTH), "name")
    if scope not in SCOPE_LABELS:
        raise ValidationFailed(_("The scope is either read or write."), "scope")
    if not 1 <= days <= MAX_DAYS:
        raise ValidationFailed(_("A token lasts from 1 to %(max_days)s days.",
                                 max_days=MAX_DAYS), "days")
    if not user.is_active:
        raise ValidationFailed(_("This account is inactive."), "name")
    if requires_second_factor(user) and not user.has_second_factor:
        raise ValidationFailed(_(NEEDS_SECOND_FACTOR), "name")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(user_id=user.id, name=name, scope=scope, prefix=secret[:12],
                     secret_hash=_hash(secret), created_at=now,
                     expires_at=now + timedelta(days=days))
    db.session.add(token)
    db.session.flush()
    audit.record("create_api_token", actor=actor or user, object_type="api_token",
                 object_id=token.id, data={"user": user.email, "name": name, "scope": scope,
                                           "expires_at": token.expires_at.isoformat()})
    return NewToken(token, secret)


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens, newest first (revoked ones too: the page says so)."""
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.id.desc())))


def revoke(user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens (another's answers as if it did not exist)."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(_("There is no such token."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record("revoke_api_token", actor=user, object_type="api_token",
                     object_id=token.id, data={"name": token.name})
    return token


def authenticate(secret: str, now: datetime | None = None) -> ApiToken | None:
    """The usable token this secret opens (its owner active), or None."""
    if not secret or not secret.startswith(SECRET_PREFIX) or len(secret) > 100:
        return None
    now = now or utcnow()
    token = db.session.scalar(select(ApiToken).where(ApiToken.secret_hash == _hash(secret)))
    if token is None or not token.usable_at(now) or not token.user.is_active:
        return None
    return token


def note_use(token: ApiToken, now: datetime | None = None) -> None:
    """Record that the token was used now (inside the caller's transaction)."""
    now = now or utcnow()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USE_GRAIN:
        return
    db.session.execute(update(ApiToken).where(ApiToken.id == token.id)
                       .values(last_used_at=now))


def forget_answers(before: datetime) -> int:
    """Delete the answers kept for the Idempotency-Keys first sent before `before` (how many):
    past its retention a key is a new request again."""
    return db.session.execute(delete(ApiAnswer).where(ApiAnswer.created_at < before)
                              .execution_options(synchronize_session=False)).rowcount
