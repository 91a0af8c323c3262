"""The second factor: TOTP secrets (sealed at rest, models.sealing), recovery codes,
enrolment, the administrator's reset and the rotation of the sealing key.

Checking a code at login is workflow.people.security's (it counts the failures); this module
holds what a code is checked against.
"""

from __future__ import annotations

import calendar
import hashlib
import hmac
import re
import secrets
import uuid
from datetime import datetime

import pyotp
from flask_babel import force_locale, gettext
from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from models import OutboxMessage, User, db, sealing, utcnow
from models.i18n import N_
from models.security import RecoveryCode
from workflow.engine import audit
from workflow.engine.errors import ValidationFailed
from workflow.people.preferences import language_of

# The roles that move money or decide: their holders log in with a second factor.
TWO_FACTOR_ROLES = frozenset({"finance_officer", "committee_chair", "admin"})

TOTP_ISSUER = "WNF Workflow"
TOTP_STEP_SECONDS = 30
TOTP_WINDOW = 1  # steps accepted either side of now: clocks drift
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
RECOVERY_CODE_LENGTH = 10

# Demo only: `flask demo seed` (refused in production) enrols the demo users with it; the
# README prints it so that a newcomer can add it to an authenticator app.
DEMO_TOTP_SECRET = "WNFDEMO2FASECRETWNFDEMO2FASECRET"  # noqa: S105

RESET_SUBJECT = N_("[WNF Workflow] Your two-factor login was reset")
RESET_NOTICE = N_("Dear %(name)s,\n\nAn administrator has reset your two-factor login, and "
                "every session of yours has ended. At your next login you will set it up "
                "again with your authenticator app. If you did not ask for this, tell the "
                "secretariat at once.\n\n— WNF Workflow\n")


def requires_second_factor(user: User) -> bool:
    """Whether this user's roles demand a TOTP code at login."""
    return user.has_role(*TWO_FACTOR_ROLES)


def _step_of(now: datetime) -> int:
    return calendar.timegm(now.timetuple()) // TOTP_STEP_SECONDS


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose TOTP code this is (now ± TOTP_WINDOW), or None."""
    if not re.fullmatch(r"\d{6}", code):
        return None
    totp, current = pyotp.TOTP(secret), _step_of(now)
    for step in range(current - TOTP_WINDOW, current + TOTP_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def clean_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def code_hash(code: str) -> str:
    # Recovery codes carry about 50 random bits: a fast hash suffices, unlike for passwords.
    return hashlib.sha256(clean_code(code).encode()).hexdigest()


def new_totp_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// URI that authenticator apps read from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=TOTP_ISSUER)


def enrol_totp(user: User, secret: str, code: str, now: datetime | None = None) -> list[str]:
    """Store the secret once a first code proves the app has it; return new recovery codes."""
    now = now or utcnow()
    if user.has_second_factor:
        raise ValidationFailed(_("Two-factor login is already set up for this account."), "code")
    step = matching_step(secret, clean_code(code), now)
    if step is None:
        raise ValidationFailed(_("This code does not match. Check that the time on your device "
                                 "is right and enter the code now shown."), "code")
    user.totp_secret, user.totp_last_step, user.totp_enrolled_at = secret, step, now
    codes = replace_recovery_codes(user, now)
    audit.record("totp_enrolled", actor=user, object_type="user", object_id=user.id)
    return codes


def replace_recovery_codes(user: User, now: datetime | None = None) -> list[str]:
    """Make RECOVERY_CODE_COUNT new one-time codes (the old ones die); only hashes are kept."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _code in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _char in range(RECOVERY_CODE_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=code_hash(raw),
                                    created_at=now or utcnow()))
    db.session.flush()
    return codes


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))


def reset_second_factor(user: User, *, actor: User) -> None:
    """Forget a user's TOTP secret and codes (a lost phone): they enrol again at their next
    login. Every session of theirs ends, and they are told by email: a security notice,
    sent whatever their email preferences say."""
    if not user.has_second_factor:
        raise ValidationFailed(_("%(name)s has no two-factor login set up to reset.",
                                 name=user.name))
    user.totp_secret = user.totp_last_step = user.totp_enrolled_at = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user.rotate_session_token()
    audit.record("totp_reset", actor=actor, object_type="user", object_id=user.id)
    with force_locale(language_of(user)):  # the notice in its reader's language
        db.session.add(OutboxMessage(message_id=f"<{uuid.uuid4()}@wnf-workflow>",
                                     to_address=user.email, subject=gettext(RESET_SUBJECT),
                                     body=gettext(RESET_NOTICE, name=user.name)))


def enrol_demo_users(secret: str = DEMO_TOTP_SECRET) -> int:
    """Demo data only: give every not-yet-enrolled two-factor user the documented secret."""
    users = db.session.scalars(select(User).where(User.totp_secret_sealed.is_(None))).all()
    enrolled = [u for u in users if requires_second_factor(u)]
    for user in enrolled:
        user.totp_secret, user.totp_enrolled_at = secret, utcnow()
    db.session.flush()
    return len(enrolled)


def reseal_secrets() -> int:
    """Seal every TOTP secret again with the first key of TOTP_ENCRYPTION_KEYS (a key's
    rotation); SealBroken, changing nothing, if a secret opens with none of the keys."""
    users = db.session.scalars(select(User).where(User.totp_secret_sealed.is_not(None))
                               .order_by(User.id)).all()
    for user in users:
        user.totp_secret_sealed = sealing.reseal(user.totp_secret_sealed)
    db.session.flush()
    audit.record("totp_secrets_resealed", actor=None, object_type="user", object_id=None,
                 data={"secrets": len(users)})
    return len(users)
