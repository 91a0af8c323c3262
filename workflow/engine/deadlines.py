"""Due dates: how long whoever holds an application has before it is overdue."""

from __future__ import annotations

from datetime import date, timedelta

from models import Application

# The state an application enters -> the fund's setting that gives its days.
CLOCKS = {
    "submitted": "screening_days",      # the secretariat must start screening
    "screening": "screening_days",      # … and finish it
    "credit_assessment": "screening_days",
    "committee_review": "voting_days",  # the committee must vote, the chair close
    "report_submitted": "screening_days",  # the secretariat must review the report
}

def due_on_entering(application: Application, state: str, today: date) -> date | None:
    """The new due date when the application enters `state` (None: nobody is on the clock)."""
    setting = CLOCKS.get(state)
    if setting is None:
        return None
    # The fund's row, as the session holds it (the transition's rules have read it): no
    # worker keeps the days past a request, so a changed setting applies at once.
    return today + timedelta(days=getattr(application.fund, setting))


def is_overdue(application: Application, today: date) -> bool:
    return application.due_on is not None and application.due_on < today
