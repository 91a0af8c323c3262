"""The data model. Imports neither workflow/ nor webui/."""

from .application import APPLICATION_KINDS, Application, Comment, ReferenceCounter
from .audit import GENESIS_HASH, AuditEvent
from .ballot import BALLOT_OUTCOMES, VOTE_CHOICES, Ballot, ConflictDeclaration, Vote
from .base import Base, dated_at, db, set_write_intent, utcnow, write_intent
from .committee import PRESIDING_SEATS, SEATS, CommitteeSeat
from .fund import FUND_CODES, FUND_KINDS, Fund, Round
from .grant import (
    FUNDING_LABELS,
    FUNDING_SOURCES,
    PROGRAMME_LABELS,
    PROGRAMME_TYPES,
    Attachment,
    BudgetLine,
    FinalReport,
    GrantDetails,
    GrantPartner,
    ParticipantCountry,
    ReportExpense,
    ReportParticipant,
    ScreeningCheck,
)
from .ledger import LEDGER_KINDS, Donation, IdempotencyKey, LedgerEntry, Tranche
from .loan import (
    METHOD_LABELS,
    REPAYMENT_METHODS,
    RISK_GRADES,
    Instalment,
    LoanDetails,
    Repayment,
    RepaymentAllocation,
)
from .notification import (
    NOTIFICATION_KINDS,
    EmailPreference,
    Notification,
    OutboxMessage,
)
from .organisation import INDUSTRIES, INDUSTRY_LABELS, ORGANISATION_KINDS, Organisation
from .security import LoginAttempt, RecoveryCode  # noqa: F401 - registers the tables
from .user import ROLE_LABELS, ROLES, RoleAssignment, User

__all__ = [
    "NOTIFICATION_KINDS",
    "EmailPreference",
    "Notification",
    "OutboxMessage",
    "BALLOT_OUTCOMES",
    "VOTE_CHOICES",
    "Ballot",
    "ConflictDeclaration",
    "Vote",
    "PRESIDING_SEATS",
    "SEATS",
    "CommitteeSeat",
    "FUNDING_LABELS",
    "FUNDING_SOURCES",
    "PROGRAMME_LABELS",
    "PROGRAMME_TYPES",
    "Attachment",
    "BudgetLine",
    "FinalReport",
    "GrantDetails",
    "GrantPartner",
    "ParticipantCountry",
    "ReportExpense",
    "ReportParticipant",
    "ScreeningCheck",
    "LEDGER_KINDS",
    "Donation",
    "IdempotencyKey",
    "LedgerEntry",
    "Tranche",
    "METHOD_LABELS",
    "REPAYMENT_METHODS",
    "RISK_GRADES",
    "Instalment",
    "LoanDetails",
    "Repayment",
    "RepaymentAllocation",
    "APPLICATION_KINDS",
    "Application",
    "Comment",
    "ReferenceCounter",
    "AuditEvent",
    "GENESIS_HASH",
    "Base",
    "db",
    "set_write_intent",
    "dated_at",
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
