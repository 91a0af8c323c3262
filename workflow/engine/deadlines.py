"""Due dates: how long whoever holds an application has before it is overdue."""

from __future__ import annotations

import time
from datetime import date, timedelta

from sqlalchemy import select

from models import Application, Fund, db

# The state an application enters -> the fund's setting that gives its days.
CLOCKS = {
    "submitted": "screening_days",      # the secretariat must start screening
    "screening": "screening_days",      # … and finish it
    "credit_assessment": "screening_days",
    "committee_review": "voting_days",  # the committee must vote, the chair close
    "report_submitted": "screening_days",  # the secretariat must review the report
}

# Every transition needs its fund's deadline days; they change a few times a year, so each
# worker keeps them for a minute instead of reading the fund row on every transition.
_CACHE_SECONDS = 60.0
_days: dict[int, tuple[float, dict[str, int]]] = {}


def _fund_days(fund_id: int) -> dict[str, int]:
    cached = _days.get(fund_id)
    if cached and time.monotonic() - cached[0] < _CACHE_SECONDS:
        return cached[1]
    row = db.session.execute(select(Fund.screening_days, Fund.voting_days)
                             .where(Fund.id == fund_id)).one()
    days = {"screening_days": row.screening_days, "voting_days": row.voting_days}
    _days[fund_id] = (time.monotonic(), days)
    return days


def forget_cached_days() -> None:
    _days.clear()


def due_on_entering(application: Application, state: str, today: date) -> date | None:
    """The new due date when the application enters `state` (None: nobody is on the clock)."""
    setting = CLOCKS.get(state)
    if setting is None:
        return None
    return today + timedelta(days=_fund_days(application.fund_id)[setting])


def is_overdue(application: Application, today: date) -> bool:
    return application.due_on is not None and application.due_on < today
