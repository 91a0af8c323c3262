"""An SME loan drawn in tranches: each release rebuilds the schedule (workflow.loans.replan).

The first release fixes the agreement's calendar — due dates monthly from it, the grace
period and the maturity counted from it — and schedules what it released, not the amount
approved. A later release adds its principal on its day: the days before earn interest on
the old balance, the rest on the new one, and the principal not yet due is amortised again
over the instalments left to the maturity. The rebuild is written into the release's audit
event, the schedule before and after.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from models import Application, db
from workflow.engine.errors import TransitionRefused
from workflow.engine.rules import Step, effect
from workflow.engine.wording import long_date
from workflow.money import tranches  # noqa: F401 - its release effect books the money before this one runs

from .book import instalments_of, last_movement, schedule_summary, terms_of, write_plan
from .replan import MaturedLoan, replan


def _refuse_unless_schedulable(application: Application, day: date) -> None:
    loan = application.loan
    if (loan is None or not application.approved_yen or loan.annual_rate is None
            or loan.term_months is None or loan.method is None):
        raise TransitionRefused(_("The approved terms are incomplete, so no repayment schedule "
                                  "can be drawn up; the committee must set them first."))
    latest = last_movement(application)
    if latest is not None and day < latest:
        raise TransitionRefused(
            _("A release on %(day)s would come before the loan's last movement, on %(latest)s: "
              "the loan book is kept in date order.", day=long_date(day), latest=long_date(latest)))


@effect("rebuild_on_release")
def rebuild_on_release(step: Step) -> None:
    """Schedule the released principal from its day (the first release fixes the calendar)."""
    application, day = step.application, step.today
    released = step.data.get("amount_yen")
    if not released:  # tranches.release books it first and says how much
        raise TransitionRefused(_("Choose the requested tranche to release."))
    _refuse_unless_schedulable(application, day)
    loan = application.loan
    first = loan.first_release_on is None
    if first:
        loan.first_release_on = day
        db.session.flush()
    rows = [] if first else instalments_of(application)
    before = None if first else schedule_summary(rows, day)
    try:
        planned = replan(terms_of(loan), rows, day, released=released)
    except MaturedLoan as matured:
        raise TransitionRefused(_("%(matured)s No tranche can be released after the last "
                                  "instalment has fallen due.", matured=matured)) from None
    except ValueError as problem:  # the terms make no schedule (set before the caps)
        raise TransitionRefused(_("The approved terms cannot be scheduled: %(problem)s",
                                  problem=problem)) from None
    rows = write_plan(application, rows, planned)
    step.data["schedule"] = {"reason": "first release" if first else "release", "on": day,
                             "released_yen": released, "before": before,
                             "after": schedule_summary(rows, day)}
