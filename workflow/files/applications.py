"""Creating applications: a reference, the current workflow version, the first audit event;
and the time of each submission."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from models import Application, Fund, Organisation, Round, User, db, utcnow
from workflow.engine import audit, references, registry
from workflow.engine.errors import ValidationFailed
from workflow.engine.fiscal import fiscal_year
from workflow.engine.rules import Step, effect

KIND_OF_FUND = {"grant": "grant", "loan": "loan"}


def create_application(*, fund: Fund, organisation: Organisation, title: str,
                       actor: User | None, round_: Round | None = None,
                       requested_yen: int = 0, today: date | None = None) -> Application:
    """A new draft on the fund's workflow, numbered within the fund and fiscal year."""
    if round_ is not None and round_.fund_id != fund.id:
        raise ValidationFailed(_("The round belongs to another fund."), "round_id")
    if requested_yen < 0:
        raise ValidationFailed(_("The amount cannot be negative."), "requested_yen")
    kind = fund.kind
    definition = registry.get(kind)
    year = fiscal_year(today or date.today())
    number, reference = references.allocate(fund, year)
    application = Application(
        reference=reference, kind=kind, fund=fund, fiscal_year=year, number=number,
        organisation=organisation, round=round_, title=title.strip(), state=definition.initial,
        workflow_name=definition.name, workflow_version=definition.version,
        requested_yen=requested_yen, created_by=actor,
    )
    db.session.add(application)
    db.session.flush()
    audit.record("create", actor=actor, object_type="application", object_id=application.id,
                 to_state=application.state,
                 data={"reference": reference, "workflow": definition.name,
                       "workflow_version": definition.version, "title": application.title})
    return application


@effect("note_submission")
def note_submission(step: Step) -> None:
    """The latest submission's time: the screening queue runs oldest first by it, and a
    file is seen by the staff once it has one (workflow.engine.permissions); kept ever after."""
    step.application.submitted_at = utcnow()
