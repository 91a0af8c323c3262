"""Scale seed: the planned history of one WNF grant, as the grant workflow would write it.

`script` decides the steps and when they happen (days after creation) from the final state;
`build` turns them into rows and events (demo.scale_plan). Both draw from the same
random stream in the same order, so the driver can run `script` alone first to learn how
long a history is, and later replay it in full.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from models import PROGRAMME_LABELS, PROGRAMME_TYPES

from . import scale_grant_money as grant_money
from .scale_committee import ballot, close, eligible_voters
from .scale_plan import (
    Context,
    Plan,
    comment_row,
    finish,
    plan_release,
    plan_request,
    steps_have,
    window,
)

TOPICS = ("Kaizen", "5S and visual management", "Lean manufacturing", "Quality control",
          "Total productive maintenance", "Industrial safety", "Food safety and HACCP",
          "Energy efficiency", "Supply-chain management", "Productivity improvement",
          "Digital marketing", "Environmental management", "Automotive parts quality",
          "Hospital management", "Logistics", "Garment production", "Agro-processing",
          "Electronics assembly", "Machine maintenance", "Entrepreneurship")
AUDIENCES = ("SME supervisors", "young engineers", "factory managers", "quality managers",
             "women entrepreneurs", "maintenance technicians", "food processors",
             "hospital administrators", "trainers of trainers", "alumni-society members")
REASONS = ("The programme is outside WNF's purpose of human-resources development.",
           "The own contribution is below the round's minimum once the venue is counted "
           "correctly.", "A very similar programme of the society is still in progress.")
REVISIONS = ("Please attach the partner societies' letters of support.",
             "Please split the travel costs by country.",
             "The timetable is missing; please attach it.")
WITHDRAWALS = ("", "The venue is no longer available.", "Our lead trainer cannot travel.")
CANCELLATIONS = ("The programme could not take place; the society returned the advance.",
                 "The host factories closed; the remaining grant is cancelled.")
RETURNS = ("Please attach the attendance sheets.",
           "Please report the expenditure line by line.")

Steps = list[tuple[float, str, object]]


def script(rng: random.Random, final: str) -> Steps:
    """The steps from creation to `final`, each with its day offset."""
    steps: Steps = [(0.0, "create", None)]
    t = 0.0

    def step(name: str, low: float, high: float, arg=None) -> None:
        nonlocal t
        t += rng.uniform(low, high)
        steps.append((t, name, arg))

    step("saved", 0.002, 0.2)
    stop_at = {"withdrawn": rng.choice(("draft", "submitted", "screening", "revision"))}
    if final == "draft" or stop_at.get(final) == "draft":
        if final == "withdrawn":
            step("withdraw", 1, 40)
        return steps
    step("submit", 0.5, 20)
    if final == "revision_requested" or stop_at.get(final) == "revision" or (
            final not in ("submitted", "screening") and rng.random() < 0.12):
        step("screen", 0.5, 10)
        step("revise", 1, 15)
        if final == "revision_requested":
            return steps
        if stop_at.get(final) == "revision":
            step("withdraw", 2, 30)
            return steps
        step("resubmit", 3, 25)
    if final == "submitted" or stop_at.get(final) == "submitted":
        if final == "withdrawn":
            step("withdraw", 1, 15)
        return steps
    step("screen", 0.5, 10)
    if final == "screening" or stop_at.get(final) == "screening":
        if final == "withdrawn":
            step("withdraw", 2, 20)
        return steps
    by_committee = final != "rejected" or rng.random() < 0.55
    if not by_committee:
        step("reject", 2, 20)
        return steps
    step("refer", 2, 20)
    if rng.random() < 0.08:
        step("defer", 10, 25)
    if final == "committee_review":
        step("votes", 1, 15)
        return steps
    step("decide", 10, 25, "rejected" if final == "rejected" else "approved")
    if final == "rejected":
        return steps
    if final == "cancelled" and rng.random() < 0.5:
        step("cancel", 10, 90)
        return steps
    if final == "approved":
        if rng.random() < 0.3:
            step("request", 2, 20)
        return steps
    split = rng.random() < 0.4
    step("request", 5, 40, 1)
    step("release", 0.5, 7, 1)
    if final == "cancelled":
        step("cancel", 20, 120)
        return steps
    step("activity", 7, 60)
    if split and (final != "in_implementation" or rng.random() < 0.5):
        step("request", 10, 60, 2)
        step("release", 0.5, 7, 2)
    if final == "in_implementation":
        return steps
    step("report", 35, 90)
    if final == "closed" and rng.random() < 0.1:
        step("return", 3, 20)
        step("report", 5, 30)
    if final == "closed":
        step("accept", 3, 25)
    return steps


def build(ctx: Context, rng: random.Random, steps: Steps, plan: Plan, created: datetime,
          fiscal_year: int, number: int) -> tuple[Plan, dict]:
    """Rows and events of the grant; returns the plan and the application row."""
    world = ctx.world
    org_id, _, country = rng.choices(world.societies, world.society_weights)[0]
    others = [s for s in world.societies if s[0] != org_id]
    partners = rng.sample(others, rng.choice((0, 0, 1, 1, 2)))
    applicant = world.applicant_of[org_id]
    secretariat = rng.choice(world.secretariat)
    finance = rng.sample(world.finance, 2)
    chair = world.chairs["WNF"]
    programme = rng.choice(PROGRAMME_TYPES)
    title = (f"{rng.choice(TOPICS)} {PROGRAMME_LABELS[programme].lower()} for "
             f"{rng.choice(AUDIENCES)}")
    app_id, ref = plan.app_id, plan.reference
    lines = grant_money.budget(rng, len(partners))
    wnf = sum(a for _, _, a, f in lines if f == "wnf")
    own = sum(a for _, _, a, f in lines if f == "own")
    partner_yen = sum(a for _, _, a, f in lines if f == "partner")
    countries = [country] + [c for _, _, c in partners if c != country]
    participants = {c: rng.randrange(4, 25) for c in dict.fromkeys(countries)}
    when = {name: created + timedelta(days=offset) for offset, name, _ in steps}
    start = (when["activity"].date() if "activity" in when
             else created.date() + timedelta(days=rng.randrange(90, 240)))
    days = {"training_course": (5, 12), "seminar": (1, 3), "trainee_exchange": (14, 30),
            "study_tour": (5, 10)}[programme]
    app = {"id": app_id, "reference": ref, "kind": "grant", "fund_id": plan.fund_id,
           "fiscal_year": fiscal_year, "number": number, "organisation_id": org_id,
           "round_id": world.rounds[("WNF", fiscal_year)], "created_by_id": applicant,
           "title": title, "state": "draft", "workflow_name": "grant", "workflow_version": 1,
           "requested_yen": wnf, "approved_yen": None, "version": 2,
           "state_changed_at": created, "submitted_at": None, "due_on": None,
           "created_at": created, "updated_at": created}
    details = {"application_id": app_id, "programme_type": programme,
               "objectives": f"Train {sum(participants.values())} participants in "
                             f"{title.split(' for ')[0].lower()} and follow up their "
                             "improvement plans.",
               "start_date": start, "end_date": start + timedelta(days=rng.randrange(*days)),
               "venue_country": country, "venue_city": world.cities.get(country, ""),
               "expected_participants": sum(participants.values()), "conditions": ""}
    ops = plan.at(created)
    plan.row(ops, "applications", app)
    plan.row(ops, "grant_details", details)
    for partner_id, _, _ in partners:
        plan.row(ops, "grant_partners", {"id": ctx.ids.take("grant_partners"),
                                         "application_id": app_id,
                                         "organisation_id": partner_id})
    for code, count in participants.items():
        plan.row(ops, "participant_countries", {
            "id": ctx.ids.take("participant_countries"), "application_id": app_id,
            "country_code": code, "participants": count})
    line_ids = []
    for position, (category, description, amount, source) in enumerate(lines):
        line_ids.append(ctx.ids.take("budget_lines"))
        plan.row(ops, "budget_lines", {"id": line_ids[-1], "application_id": app_id,
                                       "position": position, "category": category,
                                       "description": description, "amount_yen": amount,
                                       "funded_by": source})
    plan.audit(ops, "create", applicant, "application", app_id,
               {"reference": ref, "workflow": "grant", "workflow_version": 1, "title": title},
               to_state="draft")

    state = "draft"
    money = {"approved": 0, "released": 0, "tranches": []}
    report_rows: dict = {}
    open_ballot = None
    voters = eligible_voters(world, "WNF", {org_id, *(p[0] for p in partners)})
    for offset, name, arg in steps[1:]:
        if name in ("votes", "activity"):
            continue  # the ballot's votes are planned with it; the activity writes nothing
        ops = plan.at(created + timedelta(days=offset))
        moment = plan.last_time
        if name == "saved":
            plan.audit(ops, "proposal_saved", applicant, "application", app_id, {
                "reference": ref, "title": title, "requested_yen": wnf, "own_yen": own,
                "partner_yen": partner_yen, "budget_lines": len(lines),
                "partners": sorted(p[1] for p in partners), "participants": participants},
                "draft", "draft")
        elif name in ("submit", "resubmit"):
            plan.fire(ops, moment, name, applicant, state, "submitted", requested_yen=wnf)
            state = "submitted"
            app["submitted_at"] = moment
            app["version"] += 1  # the submission time is written after the move
        elif name == "screen":
            plan.fire(ops, moment, "start_screening", secretariat, state, "screening")
            state = "screening"
        elif name == "revise":
            text = rng.choice(REVISIONS)
            comment_row(plan, ctx, ops, moment, secretariat, "request_revision", text)
            plan.fire(ops, moment, "request_revision", secretariat, state,
                      "revision_requested", comment=text)
            state = "revision_requested"
        elif name == "withdraw":
            text = rng.choice(WITHDRAWALS)
            if text:
                comment_row(plan, ctx, ops, moment, applicant, "withdraw", text)
                plan.fire(ops, moment, "withdraw", applicant, state, "withdrawn", comment=text)
            else:
                plan.fire(ops, moment, "withdraw", applicant, state, "withdrawn")
            state = "withdrawn"
        elif name == "reject":
            text = rng.choice(REASONS)
            comment_row(plan, ctx, ops, moment, secretariat, "reject", text)
            plan.fire(ops, moment, "reject", secretariat, state, "rejected", comment=text)
            state = "rejected"
        elif name == "refer":
            outcome = "deferred" if steps_have(steps, "defer") else _first_outcome(steps)
            open_ballot = ballot(plan, ctx, rng, moment, 1, secretariat, voters, outcome, ops,
                                 window(steps, offset))
            plan.fire(ops, moment, "refer_to_committee", secretariat, state,
                      "committee_review", ballot_opened=1)
            state = "committee_review"
        elif name == "defer":
            data = close(open_ballot, moment, chair, "deferred")
            open_ballot = ballot(plan, ctx, rng, moment, 2, chair, voters,
                                 _first_outcome(steps), ops, window(steps, offset))
            plan.fire(ops, moment, "decide", chair, state, state, **data, next_ballot=2)
        elif name == "decide":
            data = close(open_ballot, moment, chair, arg)
            if arg == "approved":
                approved = wnf if rng.random() < 0.8 else max(
                    10_000, wnf * rng.randrange(70, 96) // 100 // 10_000 * 10_000)
                money["approved"] = approved
                app["approved_yen"] = approved
                app["version"] += 1  # the approved amount is written after the move
                plan.ledger(ops, "commitment", approved, moment.date(), chair,
                            f"Approval of {ref}")
                data["approved_yen"] = approved
                if rng.random() < 0.3:
                    details["conditions"] = data["conditions"] = \
                        "Send the attendance sheets with the final report."
            plan.fire(ops, moment, "decide", chair, state, arg, **data)
            state = arg
        elif name == "request":
            amount = grant_money.tranche_amount(rng, money, arg, steps)
            plan_request(plan, ctx, ops, moment, money, amount, finance[0])
        elif name == "release":
            state = plan_release(plan, ops, moment, money, finance[1], state)
        elif name == "report":
            report_rows = grant_money.report(plan, ctx, rng, ops, moment, lines, line_ids,
                                             participants, money, report_rows)
            spent = report_rows["spent"]
            plan.fire(ops, moment, "submit_report", applicant, state, "report_submitted",
                      spent_wnf_yen=spent["wnf"], spent_own_yen=spent["own"],
                      spent_partner_yen=spent["partner"],
                      participants=report_rows["participants"])
            state = "report_submitted"
        elif name == "return":
            text = rng.choice(RETURNS)
            comment_row(plan, ctx, ops, moment, secretariat, "return_report", text)
            plan.fire(ops, moment, "return_report", secretariat, state, "in_implementation",
                      comment=text)
            state = "in_implementation"
        elif name == "accept":
            state = grant_money.accept(plan, ops, moment, money, report_rows, secretariat, state)
        elif name == "cancel":
            text = rng.choice(CANCELLATIONS)
            freed = money["approved"] - money["released"]
            if freed:
                plan.ledger(ops, "commitment_release", freed, moment.date(), secretariat,
                            f"Cancellation of {ref}")
            comment_row(plan, ctx, ops, moment, secretariat, "cancel", text)
            plan.fire(ops, moment, "cancel", secretariat, state, "cancelled", comment=text,
                      cancelled_tranches=[], commitment_released_yen=freed)
            state = "cancelled"
    finish(plan, app, state, ctx.fund("WNF"))
    return plan, app


def _first_outcome(steps: Steps) -> str:
    """What the (last) ballot must give: the decision, or still open."""
    decision = next((s[2] for s in steps if s[1] == "decide"), None)
    return decision or "open"
