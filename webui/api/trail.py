"""What the API reads about the whole programme and the caller: portfolio figures, the audit
trail (a cursor for exports) and the caller's notifications."""

from __future__ import annotations

from workflow.files import exports
from workflow.money import portfolio
from workflow.people import inbox
from workflow.people.notifications import unread_count

from ..access import api_token
from .blueprints import api_blueprint
from .schemas import (
    AuditPageSchema,
    CursorArgs,
    MarkedReadSchema,
    NotificationListSchema,
    PortfolioSchema,
)
from .tokens import api_roles, caller
from .writes import IDEMPOTENCY_PARAMETER, carry_out

blp = api_blueprint("api_trail", __name__, url_prefix="/api/v1",
                description="Portfolio figures, the audit trail and notifications.")

PORTFOLIO_READERS = ("secretariat", "committee_chair", "committee_member", "finance_officer",
                     "auditor")
AUDITORS = ("auditor", "secretariat")  # as the audit pages


@blp.route("/portfolio")
@api_token
@api_roles(*PORTFOLIO_READERS)
@blp.response(200, PortfolioSchema)
def portfolio_figures():
    """Files by state and by round, money by country and fiscal year, the loan book."""
    return {
        "by_state": [{"kind": k, "state": s, "count": n} for k, s, n in portfolio.by_state()],
        "by_round": [{"round": name, "count": int(n), "approved_yen": int(yen)}
                     for name, n, yen in portfolio.by_round()],
        "by_country_and_year": [vars(row) for row in portfolio.money_by_country_and_year()],
        "loan_book": portfolio.loan_book(),
    }


@blp.route("/audit-events")
@api_token
@api_roles(*AUDITORS)
@blp.arguments(CursorArgs, location="query", as_kwargs=True)
@blp.response(200, AuditPageSchema)
def audit_events(limit: int, after: int = 0):
    """The audit chain, oldest first, from after `after` (follow `next` to export it all)."""
    events, following = exports.audit_page(caller(), after, limit)
    return {"items": events, "next": following}


@blp.route("/notifications")
@api_token
@blp.response(200, NotificationListSchema)
def list_notifications():
    """The caller's latest notifications, newest first."""
    user = caller()
    return {"items": inbox.recent(user), "unread": unread_count(user)}


@blp.route("/notifications/read", methods=["POST"])
@api_token
@blp.response(200, MarkedReadSchema)
@blp.doc(parameters=[IDEMPOTENCY_PARAMETER])
def mark_notifications_read():
    """Mark every notification of the caller read."""
    user = caller()
    return carry_out(lambda: ({"marked": inbox.mark_all_read(user)}, 200))

