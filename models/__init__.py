"""The data model. Imports neither workflow/ nor webui/."""

from .application import APPLICATION_KINDS, Application, Comment, ReferenceCounter
from .audit import GENESIS_HASH, AuditEvent
from .base import Base, db, set_write_intent, utcnow, write_intent
from .fund import FUND_CODES, FUND_KINDS, Fund, Round
from .organisation import INDUSTRIES, INDUSTRY_LABELS, ORGANISATION_KINDS, Organisation
from .user import ROLE_LABELS, ROLES, RoleAssignment, User

__all__ = [
    "APPLICATION_KINDS",
    "Application",
    "Comment",
    "ReferenceCounter",
    "AuditEvent",
    "GENESIS_HASH",
    "Base",
    "db",
    "set_write_intent",
    "utcnow",
    "write_intent",
    "Fund",
    "Round",
    "FUND_CODES",
    "FUND_KINDS",
    "Organisation",
    "ORGANISATION_KINDS",
    "INDUSTRIES",
    "INDUSTRY_LABELS",
    "User",
    "RoleAssignment",
    "ROLES",
    "ROLE_LABELS",
]
