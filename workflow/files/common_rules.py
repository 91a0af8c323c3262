"""Rules shared by both workflows: a complete form, an open round, the round's cap,
SME eligibility."""

from __future__ import annotations

from collections.abc import Callable

from models import Application
from workflow.engine.rules import Step, guard
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
        missing.append("a title")
    if application.round_id is None:
        missing.append("a round")
    if not application.requested_yen or application.requested_yen <= 0:
        missing.append("the amount requested")
    extra = _MISSING_FIELDS.get(application.kind)
    if extra is not None:
        missing.extend(extra(application))
    return missing


@guard("form_complete")
def form_complete(step: Step) -> str | None:
    missing = missing_fields(step.application)
    if missing:
        return "The form is not complete: it still needs " + ", ".join(missing) + "."
    return None


@guard("round_open")
def round_open(step: Step) -> str | None:
    round_ = step.application.round
    if round_ is None:
        return "Choose the round to apply to."
    if step.today < round_.opens_on:
        return f"The round {round_.name} opens on {round_.opens_on:%d %B %Y}."
    if step.today > round_.closes_on:
        return (f"The round {round_.name} closed on {round_.closes_on:%d %B %Y}; "
                "submissions are no longer accepted.")
    return None


@guard("within_round_cap")
def within_round_cap(step: Step) -> str | None:
    round_ = step.application.round
    if round_ is not None and step.application.requested_yen > round_.cap_yen:
        return (f"The amount requested, ¥{step.application.requested_yen:,}, is above the "
                f"round's cap of ¥{round_.cap_yen:,} per application.")
    return None


@guard("sme_eligible")
def sme_eligible(step: Step) -> str | None:
    return eligibility_problem(step.application.organisation)
