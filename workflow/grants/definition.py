"""The WNF grant workflow (DESIGN.md), version 1."""

from workflow.engine.definition import OWNER, State, Transition, WorkflowDefinition
from workflow.engine.registry import register

STATES = (
    State("draft", "Draft", "Draft"),
    State("submitted", "Submitted", "Submitted"),
    State("screening", "Screening", "Under review by the secretariat"),
    State("revision_requested", "Revision requested", "Revision requested: please edit"),
    State("committee_review", "Committee review", "Under review by the committee"),
    State("approved", "Approved", "Approved"),
    State("in_implementation", "In implementation", "In implementation"),
    State("report_submitted", "Report submitted", "Final report under review"),
    State("closed", "Closed", "Closed", final=True),
    State("rejected", "Rejected", "Not approved", final=True),
    State("withdrawn", "Withdrawn", "Withdrawn", final=True),
    State("cancelled", "Cancelled", "Cancelled", final=True),
)

SUBMIT_GUARDS = ("form_complete", "activity_not_begun", "round_open", "within_round_cap",
                 "own_share_met")

TRANSITIONS = (
    Transition("submit", ("draft",), "submitted", (OWNER,), "Submit", guards=SUBMIT_GUARDS,
               confirm="Submit this proposal? It can no longer be edited unless a revision "
                       "is requested."),
    Transition("start_screening", ("submitted",), "screening", ("secretariat",),
               "Start screening"),
    Transition("request_revision", ("screening",), "revision_requested", ("secretariat",),
               "Request a revision", requires=("comment",), style="warning"),
    Transition("resubmit", ("revision_requested",), "submitted", (OWNER,), "Resubmit",
               guards=SUBMIT_GUARDS),
    Transition("refer_to_committee", ("screening",), "committee_review", ("secretariat",),
               "Refer to the committee"),
    Transition("reject", ("screening",), "rejected", ("secretariat",), "Reject",
               requires=("reason",), style="danger"),
    Transition("decide", ("committee_review",), "approved", ("committee_chair",),
               "Close the ballot", when="approved", guards=("funds_available",),
               form="ballot"),
    Transition("decide", ("committee_review",), "rejected", ("committee_chair",),
               "Close the ballot", when="rejected", form="ballot"),
    Transition("decide", ("committee_review",), "committee_review", ("committee_chair",),
               "Close the ballot", when="deferred", form="ballot"),
    # When neither the chair nor the deputy chair can act (workflow.committee.ballot_steps).
    Transition("defer", ("committee_review",), "committee_review", ("secretariat",),
               "Defer to the next ballot", requires=("reason",), style="outline-warning",
               confirm="Close this ballot as deferred and open the next one?"),
    Transition("release_tranche", ("approved", "in_implementation"), "in_implementation",
               ("finance_officer",), "Release a tranche", form="tranche"),
    Transition("submit_report", ("in_implementation",), "report_submitted", (OWNER,),
               "Submit the final report", guards=("report_complete",), form="report"),
    Transition("return_report", ("report_submitted",), "in_implementation", ("secretariat",),
               "Return the report", requires=("comment",), style="warning"),
    Transition("accept_report", ("report_submitted",), "closed", ("secretariat",),
               "Accept the report and close", style="success"),
    Transition("withdraw", ("draft", "submitted", "screening", "revision_requested"),
               "withdrawn", (OWNER,), "Withdraw", style="outline-danger",
               confirm="Withdraw this proposal? This cannot be undone."),
    Transition("cancel", ("approved", "in_implementation"), "cancelled", ("secretariat",),
               "Cancel", requires=("reason",), style="outline-danger"),
)

GRANT_V1 = register(WorkflowDefinition(
    name="grant", version=1, initial="draft", states=STATES, transitions=TRANSITIONS,
    description="WNF grants: proposal, screening, committee vote, tranches, final report.",
))
