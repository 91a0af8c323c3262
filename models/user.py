"""People who log in, and the roles they hold."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from . import sealing
from .base import TimestampMixin, db, in_list
from .i18n import N_
from .languages import LOCALES

if TYPE_CHECKING:
    from .organisation import Organisation

ROLES = (
    "applicant",
    "secretariat",
    "committee_member",
    "committee_chair",
    "finance_officer",
    "auditor",
    "admin",
)

ROLE_LABELS = {
    "applicant": N_("Applicant"),
    "secretariat": N_("Secretariat"),
    "committee_member": N_("Committee member"),
    "committee_chair": N_("Committee chair"),
    "finance_officer": N_("Finance officer"),
    "auditor": N_("Auditor"),
    "admin": N_("Administrator"),
}


# werkzeug's scrypt (any length, never truncated). Hashes made with other parameters are
# upgraded at the next successful login (workflow.people.security.upgrade_password_hash).
PASSWORD_METHOD = "scrypt"


def _new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        # Stored lower-cased, so the unique constraint is case-insensitive.
        CheckConstraint("email = lower(email)", name="email_lowercase"),
        # None: not chosen (the browser's language, else the organisation's, is used).
        CheckConstraint(f"locale IS NULL OR {in_list('locale', LOCALES)}", name="locale_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    # An IANA zone name (workflow.people.preferences checks it); None: the organisation's.
    time_zone: Mapped[str | None] = mapped_column(String(64))
    # Japanese pages write dates in the Japanese era (令和8年12月6日) rather than 2026年.
    japanese_era: Mapped[bool] = mapped_column(default=False, server_default=false())
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    # Part of the login cookie: changing it logs out every copy of the old one.
    session_token: Mapped[str] = mapped_column(String(64), default=_new_session_token)
    # Two-factor login (workflow.people.security): the base32 TOTP secret once enrolled, sealed
    # (models.sealing; read and set it as `totp_secret`), and the last 30-second step whose
    # code was accepted, so that a code is never accepted twice.
    totp_secret_sealed: Mapped[str | None] = mapped_column(String(255))
    totp_last_step: Mapped[int | None]
    totp_enrolled_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Away up to and including this day (workflow.people.committees): a chair or deputy chair who
    # is away does not preside, and the other acts.
    away_until: Mapped[date | None] = mapped_column(Date)

    organisation: Mapped[Organisation | None] = relationship(back_populates="members")
    role_assignments: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @staticmethod
    def normalise_email(email: str) -> str:
        return email.strip().lower()

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(a.role for a in self.role_assignments)

    def has_role(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)

    def set_roles(self, roles) -> None:
        wanted = set(roles)
        unknown = wanted - set(ROLES)
        if unknown:
            raise ValueError(f"Unknown role: {', '.join(sorted(unknown))}")
        self.role_assignments = [a for a in self.role_assignments if a.role in wanted]
        for role in sorted(wanted - self.roles):
            self.role_assignments.append(RoleAssignment(role=role))

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)
        self.rotate_session_token()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def rotate_session_token(self) -> None:
        self.session_token = _new_session_token()

    @property
    def totp_secret(self) -> str | None:
        """The TOTP secret in clear (SealBroken when no configured key opens it)."""
        sealed = self.totp_secret_sealed
        return None if sealed is None else sealing.unseal(sealed)

    @totp_secret.setter
    def totp_secret(self, secret: str | None) -> None:
        self.totp_secret_sealed = None if secret is None else sealing.seal(secret)

    @property
    def has_second_factor(self) -> bool:
        """Enrolled for two-factor login (known without opening the secret)."""
        return self.totp_secret_sealed is not None

    # Flask-Login
    @property
    def is_active(self) -> bool:
        return bool(self.active)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class RoleAssignment(db.Model):
    __tablename__ = "role_assignments"
    __table_args__ = (
        UniqueConstraint("user_id", "role"),
        CheckConstraint(in_list("role", ROLES), name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))

    user: Mapped[User] = relationship(back_populates="role_assignments")
