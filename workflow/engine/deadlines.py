"""Due dates: how long whoever holds an application has before it is overdue."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import bindparam, inspect, select

from models import Application, Fund, db

# The state an application enters -> the fund's setting that gives its days.
CLOCKS = {
    "submitted": "screening_days",      # the secretariat must start screening
    "screening": "screening_days",      # … and finish it
    "credit_assessment": "screening_days",
    "committee_review": "voting_days",  # the committee must vote, the chair close
    "report_submitted": "screening_days",  # the secretariat must review the report
}

# Built once per setting: the one column, when the session does not hold the fund's row.
_SETTING = {setting: select(getattr(Fund, setting)).where(Fund.id == bindparam("fund_id"))
            for setting in set(CLOCKS.values())}


def _days(application: Application, setting: str) -> int:
    if "fund" not in inspect(application).unloaded:
        return getattr(application.fund, setting)
    # Loading the whole fund as an object costs several times this one column.
    return db.session.connection().execute(
        _SETTING[setting], {"fund_id": application.fund_id}).scalar_one()


def due_on_entering(application: Application, state: str, today: date) -> date | None:
    """The new due date when the application enters `state` (None: nobody is on the clock)."""
    setting = CLOCKS.get(state)
    if setting is None:
        return None
    # The fund's row as the session holds it, or its column as it stands: no worker keeps
    # the days past a request, so a changed setting applies at once.
    return today + timedelta(days=_days(application, setting))


def is_overdue(application: Application, today: date) -> bool:
    return application.due_on is not None and application.due_on < today
