"""What was cancelled of a loan's undrawn part: the sum confirmed, and the proposals as lines.

Read by the releases (a tranche may not exceed what is left after the cancellations), by the
finance queue, by the loan's panel and by workflow.loans.undrawn, which proposes and confirms
them: the money side reads them, so they live with the money.
"""

from __future__ import annotations

from sqlalchemy import bindparam, func, select

from models import Application, UndrawnCancellation, User, db
from workflow.engine.kept import page_rows

_CANCELLATIONS = (select(UndrawnCancellation.id, UndrawnCancellation.amount_yen,
                         UndrawnCancellation.reason, UndrawnCancellation.state,
                         UndrawnCancellation.proposed_by_id, UndrawnCancellation.proposed_at,
                         UndrawnCancellation.decided_on, UndrawnCancellation.decided_at,
                         User.name.label("proposed_by_name"))
                  .join(User, User.id == UndrawnCancellation.proposed_by_id)
                  .where(UndrawnCancellation.application_id == bindparam("application_id"))
                  .order_by(UndrawnCancellation.id))


_CANCELLED = (select(func.coalesce(func.sum(UndrawnCancellation.amount_yen), 0))
              .where(UndrawnCancellation.application_id == bindparam("application_id"),
                     UndrawnCancellation.state == "confirmed"))


def cancelled_of(application: Application) -> int:
    """The undrawn part of a loan cancelled (workflow.loans.undrawn); always 0 for a grant."""
    if application.kind != "loan":
        return 0
    return int(db.session.connection().execute(
        _CANCELLED, {"application_id": application.id}).scalar())


def cancellation_lines(application: Application) -> list:
    """The proposals to cancel the undrawn part, oldest first, with who proposed each (a
    page keeps them until the file's revision moves: every proposal and decision does)."""
    return page_rows("undrawn cancellations", application.id,
                     lambda: db.session.connection().execute(
                         _CANCELLATIONS, {"application_id": application.id}).all())
