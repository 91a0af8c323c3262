"""Rules shared by both workflows: a complete form, an open round, the round's cap,
SME eligibility."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _

from models import Application
from models.i18n import N_
from workflow.engine.rules import Step, guard
from workflow.engine.wording import listing, long_date, word
from workflow.people.sme import eligibility_problem

# kind -> function listing what is still missing from the form (filled by the lifecycles)
_MISSING_FIELDS: dict[str, Callable[[Application], list[str]]] = {}


def missing_fields_check(kind: str):
    def register(func):
        _MISSING_FIELDS[kind] = func
        return func

    return register


def missing_fields(application: Application) -> list[str]:
    missing = []
    if not (application.title or "").strip():
        missing.append(N_("a title"))
    if application.round_id is None:
        missing.append(N_("a round"))
    if not application.requested_yen or application.requested_yen <= 0:
        missing.append(N_("the amount requested"))
    extra = _MISSING_FIELDS.get(application.kind)
    if extra is not None:
        missing.extend(extra(application))
    return missing


@guard("form_complete")
def form_complete(step: Step) -> str | None:
    missing = missing_fields(step.application)
    if missing:
        return _("The form is not complete: it still needs %(missing)s.",
                 missing=listing([word(item) for item in missing]))
    return None


@guard("round_open")
def round_open(step: Step) -> str | None:
    round_ = step.application.round
    if round_ is None:
        return _("Choose the round to apply to.")
    if step.today < round_.opens_on:
        return _("The round %(name)s opens on %(opens_on)s.", name=round_.name,
                 opens_on=long_date(round_.opens_on))
    if step.today > round_.closes_on:
        return (_("The round %(name)s closed on %(closes_on)s; submissions are no longer "
                  "accepted.", name=round_.name, closes_on=long_date(round_.closes_on)))
    return None


@guard("within_round_cap")
def within_round_cap(step: Step) -> str | None:
    round_ = step.application.round
    if round_ is not None and step.application.requested_yen > round_.cap_yen:
        return (_("The amount requested, ¥%(requested_yen)s, is above the round's cap of "
                  "¥%(cap_yen)s per application.",
                  requested_yen=f"{step.application.requested_yen:,}",
                  cap_yen=f"{round_.cap_yen:,}"))
    return None


@guard("sme_eligible")
def sme_eligible(step: Step) -> str | None:
    return eligibility_problem(step.application.organisation)
