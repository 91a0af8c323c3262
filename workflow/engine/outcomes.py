"""The predicates that pick one arrow when a trigger has several destinations.

They read the `outcome` that the service computed (or was given) for the step,
e.g. the ballot's result for `decide` or the loan's position after a repayment.
"""

from __future__ import annotations

from collections.abc import Callable

OUTCOMES = {
    "approved": "approved",
    "rejected": "rejected",
    "deferred": "deferred",
    "repaid": "repaid",
    "cured": "cured",
    "still_in_arrears": "still_in_arrears",
    "still_active": "still_active",
}


def condition_for(name: str) -> Callable:
    if name not in OUTCOMES:
        raise ValueError(f"Unknown outcome predicate {name!r}")

    def condition(event_data) -> bool:
        return event_data.kwargs.get("outcome") == name

    condition.__name__ = f"outcome_is_{name}"
    return condition
