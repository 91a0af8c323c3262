"""The WNF grant workflow (DESIGN.md), version 1: its states, and its arrows with what each
does (the states and arrows it shares with the loans: workflow.files.common_arrows)."""

from models.i18n import N_
from workflow.engine.definition import OWNER, State, Transition, WorkflowDefinition
from workflow.engine.registry import register
from workflow.files import common_arrows as arrows

STATES = (
    *arrows.states("draft", "submitted", "screening", "revision_requested", "committee_review",
                   "approved"),
    State("in_implementation", N_("In implementation"), N_("In implementation")),
    State("report_submitted", N_("Report submitted"), N_("Final report under review")),
    State("closed", N_("Closed"), N_("Closed"), final=True),
    *arrows.states("rejected", "withdrawn", "cancelled"),
)

SUBMIT_GUARDS = ("form_complete", "activity_not_begun", "round_open", "within_round_cap",
                 "own_share_met")
# The audit event of each submission also records the amount asked.
SUBMIT_EFFECTS = (*arrows.SUBMISSION_EFFECTS, "note_requested_amount")

TRANSITIONS = (
    arrows.submit(SUBMIT_GUARDS, SUBMIT_EFFECTS,
                  confirm=N_("Submit this proposal? It can no longer be edited unless a "
                             "revision is requested.")),
    arrows.START_SCREENING,
    arrows.REQUEST_REVISION,
    arrows.resubmit(SUBMIT_GUARDS, SUBMIT_EFFECTS),
    Transition("refer_to_committee", ("screening",), "committee_review", ("secretariat",),
               N_("Refer to the committee"), effects=("open_first_ballot",)),
    arrows.REJECT,
    *arrows.DECIDE,
    arrows.DEFER,
    arrows.release_tranche(("approved", "in_implementation"), "in_implementation"),
    Transition("submit_report", ("in_implementation",), "report_submitted", (OWNER,),
               N_("Submit the final report"), guards=("report_complete",), form="report",
               effects=("stamp_report",)),
    Transition("return_report", ("report_submitted",), "in_implementation", ("secretariat",),
               N_("Return the report"), requires=("comment",), style="warning",
               effects=("reopen_report",)),
    Transition("accept_report", ("report_submitted",), "closed", ("secretariat",),
               N_("Accept the report and close"), style="success",
               effects=("settle_grant", "closing_cancels_pending_tranches")),
    arrows.withdraw(N_("Withdraw this proposal? This cannot be undone.")),
    arrows.cancel(("approved", "in_implementation"), ("cancellation_frees_the_money",)),
)

GRANT_V1 = register(WorkflowDefinition(
    name="grant", version=1, initial="draft", states=STATES, transitions=TRANSITIONS,
    title=N_("Grant"),
    description=N_("WNF grants: proposal, screening, committee vote, tranches, final report."),
    main_path=("draft", "submitted", "screening", "committee_review", "approved",
               "in_implementation", "report_submitted", "closed"),
    step_of=(("revision_requested", "screening"),),
))
