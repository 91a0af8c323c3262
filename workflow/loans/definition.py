"""The SME loan workflow (DESIGN.md), version 1."""

from workflow.engine.definition import OWNER, SYSTEM, State, Transition, WorkflowDefinition
from workflow.engine.registry import register

STATES = (
    State("draft", "Draft", "Draft"),
    State("submitted", "Submitted", "Submitted"),
    State("screening", "Screening", "Under review by the secretariat"),
    State("revision_requested", "Revision requested", "Revision requested: please edit"),
    State("credit_assessment", "Credit assessment", "Under credit assessment"),
    State("committee_review", "Committee review", "Under review by the committee"),
    State("approved", "Approved", "Approved"),
    State("contracted", "Contracted", "Agreement signed"),
    State("active", "Active", "Active: repaying"),
    State("in_arrears", "In arrears", "Payment overdue"),
    State("repaid", "Repaid", "Repaid in full", final=True),
    State("rejected", "Rejected", "Not approved", final=True),
    State("withdrawn", "Withdrawn", "Withdrawn", final=True),
    State("cancelled", "Cancelled", "Cancelled", final=True),
    State("written_off", "Written off", "Written off", final=True),
)

SUBMIT_GUARDS = ("form_complete", "loan_documents_attached", "round_open", "within_round_cap",
                 "sme_eligible")

TRANSITIONS = (
    Transition("submit", ("draft",), "submitted", (OWNER,), "Submit", guards=SUBMIT_GUARDS,
               confirm="Submit this application?"),
    Transition("start_screening", ("submitted",), "screening", ("secretariat",),
               "Start screening"),
    Transition("request_revision", ("screening",), "revision_requested", ("secretariat",),
               "Request a revision", requires=("comment",), style="warning"),
    Transition("resubmit", ("revision_requested",), "submitted", (OWNER,), "Resubmit",
               guards=SUBMIT_GUARDS),
    Transition("reject", ("screening",), "rejected", ("secretariat",), "Reject",
               requires=("reason",), style="danger"),
    Transition("refer_to_assessment", ("screening",), "credit_assessment", ("secretariat",),
               "Refer to credit assessment"),
    Transition("complete_assessment", ("credit_assessment",), "committee_review",
               ("secretariat",), "Complete the assessment", guards=("assessment_complete",),
               form="assessment"),
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
    Transition("sign_agreement", ("approved",), "contracted", ("secretariat",),
               "Sign the agreement", guards=("agreement_attached",), form="agreement"),
    Transition("release_tranche", ("contracted", "active"), "active", ("finance_officer",),
               "Release a tranche", form="tranche"),
    Transition("record_repayment", ("active", "in_arrears"), "repaid", ("finance_officer",),
               "Record a repayment", when="repaid", form="repayment"),
    Transition("record_repayment", ("active",), "active", ("finance_officer",),
               "Record a repayment", when="still_active", form="repayment"),
    Transition("record_repayment", ("in_arrears",), "active", ("finance_officer",),
               "Record a repayment", when="cured", form="repayment"),
    Transition("record_repayment", ("in_arrears",), "in_arrears", ("finance_officer",),
               "Record a repayment", when="still_in_arrears", form="repayment"),
    Transition("mark_arrears", ("active",), "in_arrears", (SYSTEM,), "Mark in arrears"),
    Transition("write_off", ("in_arrears",), "written_off", ("committee_chair",),
               "Approve the write-off", guards=("write_off_requested",), form="write_off",
               style="danger"),
    Transition("withdraw", ("draft", "submitted", "screening", "revision_requested"),
               "withdrawn", (OWNER,), "Withdraw", style="outline-danger",
               confirm="Withdraw this application? This cannot be undone."),
    Transition("cancel", ("approved", "contracted"), "cancelled", ("secretariat",), "Cancel",
               requires=("reason",), style="outline-danger"),
)

LOAN_V1 = register(WorkflowDefinition(
    name="loan", version=1, initial="draft", states=STATES, transitions=TRANSITIONS,
    description="SME loans: eligibility, credit assessment, committee, agreement, repayment.",
))
