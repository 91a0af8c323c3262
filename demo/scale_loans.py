"""Scale seed: the planned history of one SME loan, as the loan workflow would write it.

Like demo.scale_grants: `script` decides the steps and their day offsets (the loan's
terms too, since they set how long it runs), `build` turns them into rows and events. After
the release the calendar rules: instalments fall due monthly from the release date, and the
company pays on time (often several instalments ahead), late once and cured, or stops.
"""

from __future__ import annotations

import hashlib
import random
import secrets
from datetime import datetime, timedelta
from decimal import Decimal

from workflow.loans.lending_law import DEFAULT_DAMAGES_RATE

from .cast import pdf_bytes
from .scale_committee import ballot, close, eligible_voters
from .scale_documents import plan_loan_documents
from .scale_loanbook import LoanBook
from .scale_plan import (
    FILE,
    Context,
    Plan,
    comment_row,
    finish,
    plan_release,
    plan_request,
    steps_have,
)

MONTH = 30.44  # days, for planning only: due dates are real calendar months
PRODUCTS = ("CNC machining", "Die-casting", "Injection-moulding", "Garment sewing",
            "Food-processing", "Electronics assembly", "Textile dyeing", "Precision stamping",
            "Furniture", "Auto-parts plating", "Packaging", "Cold-chain logistics")
FACILITIES = ("plant", "line", "workshop", "warehouse", "joint venture")
INVESTMENT = ("VN", "TH", "ID", "PH", "IN", "MY", "MX", "BD", "KH", "MM", "LK", "CN", "BR",
              "KE", "LA", "PK")
REASONS = ("The company's credit history does not support the amount.",
           "The project is not an overseas investment of the company itself.")

Steps = list[tuple[float, str, object]]


def _terms(rng: random.Random) -> dict:
    term = rng.choice((12, 12, 18, 24, 24, 36, 48, 60))
    return {"amount": rng.randrange(5, 100) * 1_000_000, "term": term,
            "grace": rng.choice((0, 0, 0, 3, 6)) if term > 12 else 0,
            "method": rng.choice(("annuity", "annuity", "equal_principal")),
            "rate": Decimal(rng.choice(("0.5", "0.8", "1.0", "1.2", "1.5", "1.8", "2.0", "2.5",
                                        "3.0"))),
            "grade": rng.choice("AABBBCCD")}


def script(rng: random.Random, final: str) -> Steps:
    """The steps from creation to `final` with their day offsets; the terms ride along."""
    terms = _terms(rng)
    steps: Steps = [(0.0, "create", terms)]
    t = 0.0

    def step(name: str, low: float, high: float, arg=None) -> None:
        nonlocal t
        t += rng.uniform(low, high)
        steps.append((t, name, arg))

    stop = rng.choice(("draft", "submitted", "screening", "revision")) \
        if final == "withdrawn" else None
    if final == "draft" or stop == "draft":
        if stop:
            step("withdraw", 1, 40)
        return steps
    step("submit", 0.5, 20)
    if final == "revision_requested" or stop == "revision" or (
            final not in ("submitted", "screening") and rng.random() < 0.1):
        step("screen", 0.5, 10)
        step("revise", 1, 15)
        if final == "revision_requested":
            return steps
        if stop == "revision":
            step("withdraw", 2, 30)
            return steps
        step("resubmit", 3, 25)
    if final == "submitted" or stop == "submitted":
        if stop:
            step("withdraw", 1, 15)
        return steps
    step("screen", 0.5, 10)
    if final == "screening" or stop == "screening":
        if stop:
            step("withdraw", 2, 20)
        return steps
    if final == "rejected" and rng.random() < 0.4:
        step("reject", 2, 20)
        return steps
    step("refer", 2, 15)
    if final == "credit_assessment":
        return steps
    step("assess", 5, 30)
    if rng.random() < 0.08:
        step("defer", 10, 25)
    if final == "committee_review":
        step("votes", 1, 15)
        return steps
    step("decide", 10, 25, "rejected" if final == "rejected" else "approved")
    if final in ("rejected", "approved"):
        return steps
    if final == "cancelled" and rng.random() < 0.5:
        step("cancel", 10, 60)
        return steps
    step("sign", 10, 40)
    if final in ("contracted", "cancelled"):
        if final == "cancelled":
            step("cancel", 10, 90)
        return steps
    step("request", 5, 30)
    step("release", 0.5, 5)
    term = terms["term"]
    if final == "repaid":
        book = {"until": term * MONTH + 10}
    elif final == "active":
        # At least three instalments still to come: moving the file back into its round's
        # fiscal year (demo.scale._created) may age it by up to two months or so.
        book = {"months": rng.randrange(1, term - 3)}
        book["until"] = book["months"] * MONTH
    elif final == "in_arrears":
        months = rng.randrange(3, term)
        book = {"months": months, "paid": rng.randrange(0, months - 2)}
        book["until"] = months * MONTH
    else:  # written_off
        paid = rng.randrange(1, max(2, term - 3))
        book = {"paid": paid, "until": (paid + 1) * MONTH + 130}
    cure = rng.random()  # drawn whatever the state, so the stream stays in step
    book["cure"] = final in ("active", "repaid") and cure < 0.1
    step("book", book["until"], book["until"], book)
    return steps


def build(ctx: Context, rng: random.Random, steps: Steps, plan: Plan, created: datetime,
          fiscal_year: int, number: int) -> tuple[Plan, dict]:
    """Rows and events of the loan; returns the plan and the application row."""
    world = ctx.world
    terms = steps[0][2]
    company, _ = rng.choice(world.companies)
    applicant = world.applicant_of[company]
    secretariat = rng.choice(world.secretariat)
    finance = rng.sample(world.finance, 2)
    chair = world.chairs["SME"]
    country = rng.choice(INVESTMENT)
    title = (f"{rng.choice(PRODUCTS)} {rng.choice(FACILITIES)} in "
             f"{world.cities.get(country, country)}")
    app_id, ref = plan.app_id, plan.reference
    app = {"id": app_id, "reference": ref, "kind": "loan", "fund_id": plan.fund_id,
           "fiscal_year": fiscal_year, "number": number, "organisation_id": company,
           "round_id": world.rounds[("SME", fiscal_year)], "created_by_id": applicant,
           "title": title, "state": "draft", "workflow_name": "loan", "workflow_version": 1,
           "requested_yen": terms["amount"], "approved_yen": None, "version": 1,
           "state_changed_at": created, "submitted_at": None, "due_on": None,
           "created_at": created, "updated_at": created}
    loan = {"application_id": app_id, "investment_country": country,
            "project": f"{title}: machines, installation and working capital.",
            "purpose": "Expand the company's production close to its customers abroad.",
            "requested_term_months": terms["term"], "risk_grade": None,
            "assessment_notes": "", "recommended_amount_yen": None, "recommended_rate": None,
            "recommended_term_months": None, "recommended_grace_months": None,
            "recommended_method": None, "assessed_at": None, "annual_rate": None,
            "term_months": None, "grace_months": None, "method": None,
            "damages_rate": None, "prepayment_mode": "lower_instalment", "approved_on": None,
            "conditions": "",
            "agreement_date": None, "agreement_attachment_id": None,
            "first_release_on": None, "write_off_requested_by_id": None,
            "write_off_requested_at": None, "write_off_reason": ""}
    ops = plan.at(created)
    plan.row(ops, "applications", app)
    attachment = None
    if steps_have(steps, "sign"):
        attachment = {"id": ctx.ids.take("attachments"), "application_id": app_id,
                      "kind": "agreement", "original_name": "signed-loan-agreement.pdf",
                      "stored_name": secrets.token_hex(24),  # as attachments.store names them
                      "content_type": "application/pdf", "uploaded_by_id": secretariat}
        data = pdf_bytes(f"Loan agreement {ref}", (title, f"JPY {terms['amount']:,}"))
        attachment.update(size_bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
        plan.row(ops, "attachments", attachment)
        ops.append((FILE, attachment["stored_name"], data))
        loan["agreement_attachment_id"] = attachment["id"]
    plan.row(ops, "loan_details", loan)
    plan.audit(ops, "create", applicant, "application", app_id,
               {"reference": ref, "workflow": "loan", "workflow_version": 1, "title": title},
               to_state="draft")
    if steps_have(steps, "submit"):  # the documents its submission requires
        plan_loan_documents(plan, ctx, ops, created, applicant, title)

    state, money = "draft", {"approved": 0, "released": 0, "tranches": []}
    open_ballot = None
    voters = eligible_voters(world, "SME", {company})
    decision = next((s[2] for s in steps if s[1] == "decide"), None) or "open"
    book: LoanBook | None = None
    for index, (offset, name, arg) in enumerate(steps[1:], 1):
        if name == "book":  # the calendar's own moments: repayments, arrears, write-off
            state = book.run(arg, created.date() + timedelta(days=offset), state)
            continue
        if name == "votes":
            continue  # planned with the ballot
        ops = plan.at(created + timedelta(days=offset))
        moment = plan.last_time
        following = steps[index + 1][0] if index + 1 < len(steps) else offset + 14
        window = max(0.1, (following - offset) * 0.95)
        if name in ("submit", "resubmit"):
            plan.fire(ops, moment, name, applicant, state, "submitted")
            state = "submitted"
            app["submitted_at"] = moment
            app["version"] += 1  # the submission time is written after the move
        elif name == "screen":
            plan.fire(ops, moment, "start_screening", secretariat, state, "screening")
            state = "screening"
        elif name == "revise":
            text = "Please attach the feasibility study and the partner's letter of intent."
            comment_row(plan, ctx, ops, moment, secretariat, "request_revision", text)
            plan.fire(ops, moment, "request_revision", secretariat, state,
                      "revision_requested", comment=text)
            state = "revision_requested"
        elif name == "withdraw":
            plan.fire(ops, moment, "withdraw", applicant, state, "withdrawn")
            state = "withdrawn"
        elif name == "reject":
            text = rng.choice(REASONS)
            comment_row(plan, ctx, ops, moment, secretariat, "reject", text)
            plan.fire(ops, moment, "reject", secretariat, state, "rejected", comment=text)
            state = "rejected"
        elif name == "refer":
            plan.fire(ops, moment, "refer_to_assessment", secretariat, state,
                      "credit_assessment")
            state = "credit_assessment"
        elif name == "assess":
            loan.update(risk_grade=terms["grade"], assessed_at=moment,
                        assessment_notes=f"Grade {terms['grade']}: three years of audited "
                                         "accounts and a parent-company guarantee.",
                        recommended_amount_yen=terms["amount"],
                        recommended_rate=terms["rate"],
                        recommended_term_months=terms["term"],
                        recommended_grace_months=terms["grace"],
                        recommended_method=terms["method"])
            outcome = "deferred" if steps_have(steps, "defer") else decision
            open_ballot = ballot(plan, ctx, rng, moment, 1, secretariat, voters, outcome, ops,
                                 window)
            plan.fire(ops, moment, "complete_assessment", secretariat, state,
                      "committee_review", ballot_opened=1, assessment={
                          "risk_grade": terms["grade"], "amount_yen": terms["amount"],
                          "annual_rate": str(terms["rate"]), "term_months": terms["term"],
                          "grace_months": terms["grace"], "method": terms["method"]})
            state = "committee_review"
        elif name == "defer":
            data = close(open_ballot, moment, chair, "deferred")
            open_ballot = ballot(plan, ctx, rng, moment, 2, chair, voters, decision, ops,
                                 window)
            plan.fire(ops, moment, "decide", chair, state, state, **data, next_ballot=2)
        elif name == "decide":
            data = close(open_ballot, moment, chair, arg)
            if arg == "approved":
                _approve(plan, ops, rng, moment, terms, loan, app, money, data, chair)
            plan.fire(ops, moment, "decide", chair, state, arg, **data)
            state = arg
        elif name == "sign":
            signed_on = moment.date() - timedelta(days=rng.randrange(0, 8))
            loan["agreement_date"] = signed_on
            attachment["uploaded_at"] = moment
            plan.audit(ops, "attachment_added", secretariat, "application", app_id, {
                "reference": ref, "attachment_id": attachment["id"], "kind": "agreement",
                "name": attachment["original_name"], "content_type": "application/pdf",
                "size_bytes": attachment["size_bytes"], "sha256": attachment["sha256"]})
            plan.fire(ops, moment, "sign_agreement", secretariat, state, "contracted",
                      agreement={"date": signed_on.isoformat(),
                                 "attachment_id": attachment["id"],
                                 "file": attachment["original_name"]})
            state = "contracted"
        elif name == "cancel":
            text = "The joint-venture partner withdrew from the project."
            freed = money["approved"] - money["released"]
            plan.ledger(ops, "commitment_release", freed, moment.date(), secretariat,
                        f"Cancellation of {ref}")
            comment_row(plan, ctx, ops, moment, secretariat, "cancel", text)
            plan.fire(ops, moment, "cancel", secretariat, state, "cancelled", comment=text,
                      cancelled_tranches=[], commitment_released_yen=freed)
            state = "cancelled"
        elif name == "request":
            plan_request(plan, ctx, ops, moment, money, money["approved"], finance[0])
        elif name == "release":
            book = LoanBook(plan, ctx, rng, loan, moment.date(), finance, money["approved"])
            state = plan_release(plan, ops, moment, money, finance[1], state, "active",
                                 schedule=book.summary())
            for row in book.rows:
                plan.row(ops, "instalments", row)
            loan["first_release_on"] = moment.date()
    if attachment is not None and "uploaded_at" not in attachment:
        attachment["uploaded_at"] = created
    finish(plan, app, state, ctx.fund("SME"))
    return plan, app


def _approve(plan: Plan, ops: list, rng: random.Random, moment: datetime, terms: dict,
             loan: dict, app: dict, money: dict, data: dict, chair: int) -> None:
    approved = terms["amount"] if rng.random() < 0.8 else max(
        1_000_000, terms["amount"] * rng.randrange(70, 96) // 100 // 1_000_000 * 1_000_000)
    money["approved"] = approved
    app["approved_yen"] = approved
    app["version"] += 1  # the approved amount is written after the move
    mode = "shorter_term" if rng.random() < 0.2 else "lower_instalment"
    loan.update(annual_rate=terms["rate"], term_months=terms["term"],
                grace_months=terms["grace"], method=terms["method"],
                damages_rate=DEFAULT_DAMAGES_RATE, prepayment_mode=mode,
                approved_on=moment.date())
    plan.ledger(ops, "commitment", approved, moment.date(), chair, f"Approval of {plan.reference}")
    data.update(annual_rate=str(terms["rate"]), term_months=terms["term"],
                grace_months=terms["grace"], method=terms["method"],
                damages_rate=str(DEFAULT_DAMAGES_RATE), prepayment_mode=mode,
                approved_yen=approved)
