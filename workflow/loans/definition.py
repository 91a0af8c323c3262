"""The SME loan workflow (DESIGN.md), version 1: its states, and its arrows with what each
does (the states and arrows it shares with the grants: workflow.files.common_arrows)."""

from models.i18n import N_
from workflow.engine.definition import SYSTEM, State, Transition, WorkflowDefinition
from workflow.engine.registry import register
from workflow.files import common_arrows as arrows

STATES = (
    *arrows.states("draft", "submitted", "screening", "revision_requested"),
    State("credit_assessment", N_("Credit assessment"), N_("Under credit assessment")),
    *arrows.states("committee_review", "approved"),
    State("contracted", N_("Contracted"), N_("Agreement signed")),
    State("active", N_("Active"), N_("Active: repaying")),
    State("in_arrears", N_("In arrears"), N_("Payment overdue")),
    State("repaid", N_("Repaid"), N_("Repaid in full"), final=True),
    *arrows.states("rejected", "withdrawn", "cancelled"),
    State("written_off", N_("Written off"), N_("Written off"), final=True),
)

SUBMIT_GUARDS = ("form_complete", "loan_documents_attached", "round_open", "within_round_cap",
                 "sme_eligible")

_REPAYMENT = {"roles": ("finance_officer",), "label": N_("Record a repayment"), "form": "repayment",
              "effects": ("apply_repayment",), "outcome": "repayment_outcome"}

TRANSITIONS = (
    arrows.submit(SUBMIT_GUARDS, confirm=N_("Submit this application?")),
    arrows.START_SCREENING,
    arrows.REQUEST_REVISION,
    arrows.resubmit(SUBMIT_GUARDS),
    arrows.REJECT,
    Transition("refer_to_assessment", ("screening",), "credit_assessment", ("secretariat",),
               N_("Refer to credit assessment")),
    Transition("complete_assessment", ("credit_assessment",), "committee_review",
               ("secretariat",), N_("Complete the assessment"), guards=("assessment_complete",),
               form="assessment", effects=("open_first_ballot", "audit_assessment")),
    *arrows.DECIDE,
    arrows.DEFER,
    Transition("sign_agreement", ("approved",), "contracted", ("secretariat",),
               N_("Sign the agreement"), guards=("agreement_attached",), form="agreement"),
    # The release also rebuilds the schedule on what has been drawn (workflow.loans.drawdowns).
    arrows.release_tranche(("contracted", "active"), "active",
                           ("pay_out_the_tranche", "rebuild_on_release")),
    Transition("record_repayment", ("active", "in_arrears"), "repaid", when="repaid",
               **_REPAYMENT),
    Transition("record_repayment", ("active",), "active", when="still_active", **_REPAYMENT),
    Transition("record_repayment", ("in_arrears",), "active", when="cured", **_REPAYMENT),
    Transition("record_repayment", ("in_arrears",), "in_arrears", when="still_in_arrears",
               **_REPAYMENT),
    Transition("mark_arrears", ("active",), "in_arrears", (SYSTEM,), N_("Mark in arrears"),
               effects=("record_overdue",)),
    Transition("write_off", ("in_arrears",), "written_off", ("committee_chair",),
               N_("Approve the write-off"), guards=("write_off_requested",), form="write_off",
               style="danger",
               permissions=("only_an_officer_of_the_loan_committee", "not_the_requester"),
               effects=("written_off_frees_the_undrawn", "post_write_off")),
    arrows.withdraw(N_("Withdraw this application? This cannot be undone.")),
    arrows.cancel(("approved", "contracted"),
                  ("cancellation_frees_the_money", "cancelled_withdraws_a_proposal")),
)

LOAN_V1 = register(WorkflowDefinition(
    name="loan", version=1, initial="draft", states=STATES, transitions=TRANSITIONS,
    title=N_("Loan"),
    description=N_("SME loans: eligibility, credit assessment, committee, agreement, repayment."),
    main_path=("draft", "submitted", "screening", "credit_assessment", "committee_review",
               "approved", "contracted", "active", "repaid"),
    step_of=(("revision_requested", "screening"), ("in_arrears", "active")),
))
