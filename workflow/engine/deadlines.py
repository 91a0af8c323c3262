"""Due dates: how long whoever holds an application has before it is overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app, has_app_context
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
SETTINGS = frozenset(CLOCKS.values())

# Built once per setting: the one column, when the session does not hold the fund's row.
_SETTING = {setting: select(getattr(Fund, setting)).where(Fund.id == bindparam("fund_id"))
            for setting in SETTINGS}

# Each setting of the application's own fund, for a statement on the applications table to
# compare with the days a due date was counted from (workflow.engine.service's
# compare-and-set).
FUND_SETTING = {setting: select(getattr(Fund, setting)).where(Fund.id == Application.fund_id)
                .scalar_subquery() for setting in SETTINGS}

_LAST_READ = "fund days last read"
_MOST_FUNDS = 256  # a bound, not a size: a handful of funds exist


@dataclass(frozen=True)
class Due:
    """A due date, and the fund's setting and days it was counted from if those are this
    worker's last reading of them: whoever writes the date must check that the fund
    still has those days (FUND_SETTING), and count again if not."""

    on: date | None
    setting: str | None = None
    days: int | None = None


def _last_read() -> dict[tuple[int, str], int]:
    # Per app: the same fund id in another database is another fund.
    return current_app.extensions.setdefault(_LAST_READ, {})


def _read_days(fund_id: int, setting: str) -> int:
    days = db.session.connection().execute(_SETTING[setting], {"fund_id": fund_id}).scalar_one()
    if has_app_context():
        last_read = _last_read()
        if len(last_read) >= _MOST_FUNDS:
            last_read.clear()
        last_read[fund_id, setting] = days
    return days


def due_on_entering(application: Application, state: str, today: date, *,
                    as_last_read: bool = True) -> Due:
    """The new due date when the application enters `state` (None: nobody is on the clock).

    It is counted from the fund's row as the session holds it, else from the days this
    worker last read (as_last_read; to be checked as it is written, see Due), else from the
    column as it stands: no worker trusts the days past a request, so a changed setting
    applies at once.
    """
    setting = CLOCKS.get(state)
    if setting is None:
        return Due(None)
    if "fund" in inspect(application).dict:  # the session holds the fund's row
        return Due(today + timedelta(days=getattr(application.fund, setting)))
    fund_id = application.fund_id
    if as_last_read and has_app_context():
        # One statement fewer per transition: the compare-and-set checks the days instead.
        days = _last_read().get((fund_id, setting))
        if days is not None:
            return Due(today + timedelta(days=days), setting, days)
    return Due(today + timedelta(days=_read_days(fund_id, setting)))


def is_overdue(application: Application, today: date) -> bool:
    return application.due_on is not None and application.due_on < today
