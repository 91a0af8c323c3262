"""The states and arrows both programmes have, written once: the states from the draft to
the committee's decision and the ends, and the arrows of submission, screening, the
committee's ballot, withdrawal and cancellation (workflow.grants.definition,
workflow.loans.definition).

Where the programmes differ (the rules checked at submission, the words of a confirmation,
the states a file may be cancelled from) the programme says so as an argument. The effects
and rules are named here; the features register them (workflow.engine.rules).
"""

from __future__ import annotations

from models.i18n import N_
from workflow.engine.definition import OWNER, State, Transition

# The states of both programmes, each as the staff and as the applicant read it.
_SHARED_STATES = {state.name: state for state in (
    State("draft", N_("Draft"), N_("Draft")),
    State("submitted", N_("Submitted"), N_("Submitted")),
    State("screening", N_("Screening"), N_("Under review by the secretariat")),
    State("revision_requested", N_("Revision requested"), N_("Revision requested: please edit")),
    State("committee_review", N_("Committee review"), N_("Under review by the committee")),
    State("approved", N_("Approved"), N_("Approved")),
    State("rejected", N_("Rejected"), N_("Not approved"), final=True),
    State("withdrawn", N_("Withdrawn"), N_("Withdrawn"), final=True),
    State("cancelled", N_("Cancelled"), N_("Cancelled"), final=True),
)}


def states(*names: str) -> tuple[State, ...]:
    """The shared states named, in the order given (a definition's order is its diagram's)."""
    return tuple(_SHARED_STATES[name] for name in names)

# Every submission records its time: the screening queue and the staff's view go by it
# (workflow.files.applications).
SUBMISSION_EFFECTS = ("note_submission",)
WITHDRAWABLE = ("draft", "submitted", "screening", "revision_requested")


def submit(guards: tuple[str, ...], effects: tuple[str, ...] = SUBMISSION_EFFECTS, *,
           confirm: str) -> Transition:
    return Transition("submit", ("draft",), "submitted", (OWNER,), N_("Submit"), guards=guards,
                      effects=effects, confirm=confirm)


def resubmit(guards: tuple[str, ...],
             effects: tuple[str, ...] = SUBMISSION_EFFECTS) -> Transition:
    return Transition("resubmit", ("revision_requested",), "submitted", (OWNER,), N_("Resubmit"),
                      guards=guards, effects=effects)


START_SCREENING = Transition("start_screening", ("submitted",), "screening", ("secretariat",),
                             N_("Start screening"))
REQUEST_REVISION = Transition("request_revision", ("screening",), "revision_requested",
                              ("secretariat",), N_("Request a revision"), requires=("comment",),
                              style="warning")
REJECT = Transition("reject", ("screening",), "rejected", ("secretariat",), N_("Reject"),
                    requires=("reason",), style="danger")

# The committee's ballot (workflow.committee): whoever presides closes it, and its result
# picks the arrow; approving reserves the money, so the fund must have it.
_DECIDE = {"roles": ("committee_chair",), "label": N_("Close the ballot"), "form": "ballot",
           "permissions": ("only_whoever_presides",), "effects": ("close_ballot",),
           "outcome": "ballot_result"}
DECIDE = (
    Transition("decide", ("committee_review",), "approved", when="approved",
               guards=("funds_available",), **_DECIDE),
    Transition("decide", ("committee_review",), "rejected", when="rejected", **_DECIDE),
    Transition("decide", ("committee_review",), "committee_review", when="deferred",
               **_DECIDE),
)
# When neither the chair nor the deputy chair can act (workflow.committee.ballot_steps).
DEFER = Transition("defer", ("committee_review",), "committee_review", ("secretariat",),
                   N_("Defer to the next ballot"), requires=("reason",), style="outline-warning",
                   confirm=N_("Close this ballot as deferred and open the next one?"),
                   permissions=("only_when_nobody_presides",),
                   effects=("defer_to_next_ballot",))


def withdraw(confirm: str) -> Transition:
    return Transition("withdraw", WITHDRAWABLE, "withdrawn", (OWNER,), N_("Withdraw"),
                      style="outline-danger", confirm=confirm)


def cancel(sources: tuple[str, ...], effects: tuple[str, ...]) -> Transition:
    return Transition("cancel", sources, "cancelled", ("secretariat",), N_("Cancel"),
                      requires=("reason",), style="outline-danger", effects=effects)


def release_tranche(sources: tuple[str, ...], dest: str,
                    effects: tuple[str, ...] = ("pay_out_the_tranche",)) -> Transition:
    """A finance officer releases a requested tranche; another requested it (four eyes)."""
    return Transition("release_tranche", sources, dest, ("finance_officer",),
                      N_("Release a tranche"), form="tranche", permissions=("four_eyes",),
                      effects=effects)
