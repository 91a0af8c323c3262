"""Scale seed: the money side of a generated grant — its budget, tranche amounts, final
report and settlement — as workflow.grants.proposals, tranches and grant_reports would record them.
"""

from __future__ import annotations

import random
from datetime import datetime

from .scale_plan import Context, Plan


def budget(rng: random.Random, partners: int) -> list[tuple[str, str, int, str]]:
    """Budget lines: the WNF part within the ¥3,000,000 cap, own funds ≥ 20 % of the whole."""
    def yen(low: int, high: int) -> int:
        return rng.randrange(low, high) * 10_000

    lines = [("Lecturers", "Fees and travel of Japanese experts", yen(20, 90), "wnf"),
             ("Participants' travel and lodging", "Airfares and hotel of participants",
              yen(20, 160), "wnf")]
    partner = yen(5, 20) if partners and rng.random() < 0.4 else 0
    if partner:
        lines.append(("Local transport", "Chartered bus for the factory visits", partner,
                      "partner"))
    wnf = sum(line[2] for line in lines if line[3] == "wnf")
    own = -(-int((wnf + partner) * rng.uniform(0.26, 0.6)) // 10_000) * 10_000
    lines.append(("Venue and materials", "Training hall, interpretation and handbooks", own,
                  "own"))
    return lines


def tranche_amount(rng: random.Random, money: dict, number, steps: list) -> int:
    """Tranche 1 of two: half to seven tenths; a single or last tranche: the rest."""
    approved = money["approved"]
    if number == 1 and sum(1 for s in steps if s[1] == "request") > 1:
        return max(1, approved * rng.randrange(50, 71) // 100 // 10_000 * 10_000)
    if number == 1 or number is None:
        return approved
    return approved - money["released"]


def report(plan: Plan, ctx: Context, rng: random.Random, ops: list, moment: datetime, lines,
           line_ids, participants: dict, money: dict, previous: dict) -> dict:
    """The final report rows (written once, as finally submitted) and its totals."""
    if previous:
        previous["row"]["submitted_at"] = moment
        return previous
    released = money["released"]
    unspent = 0 if rng.random() < 0.6 else released * rng.randrange(1, 10) // 100
    wnf_lines = [i for i, line in enumerate(lines) if line[3] == "wnf"]
    wnf_budget = sum(lines[i][2] for i in wnf_lines) or 1
    target, spent_lines = released - unspent, {}
    for i in wnf_lines[:-1]:
        spent_lines[i] = target * lines[i][2] // wnf_budget
    spent_lines[wnf_lines[-1]] = target - sum(spent_lines.values())
    row = {"application_id": plan.app_id, "submitted_at": moment, "accepted_at": None,
           "unspent_yen": None,
           "outcomes": "The programme was held as planned; participants drew up improvement "
                       "plans for their workplaces."}
    plan.row(ops, "final_reports", row)
    spent = {"wnf": 0, "own": 0, "partner": 0}
    for i, (category, description, amount, source) in enumerate(lines):
        actual = spent_lines.get(i, amount)
        spent[source] += actual
        plan.row(ops, "report_expenses", {
            "id": ctx.ids.take("report_expenses"), "report_id": plan.app_id, "position": i,
            "budget_line_id": line_ids[i], "category": category, "description": description,
            "amount_yen": actual, "funded_by": source})
    total = 0
    for code, count in participants.items():
        actual = max(1, count + rng.randrange(-2, 3))
        total += actual
        plan.row(ops, "report_participants", {
            "id": ctx.ids.take("report_participants"), "report_id": plan.app_id,
            "country_code": code, "participants": actual})
    return {"row": row, "spent": spent, "participants": total}


def accept(plan: Plan, ops: list, moment: datetime, money: dict, report: dict,
           secretariat: int, state: str) -> str:
    """accept_report: the unspent money becomes a refund due, the unreleased commitment
    goes back to the fund (grant_reports.settle_grant)."""
    released, spent_wnf = money["released"], report["spent"]["wnf"]
    unspent = max(0, released - spent_wnf)
    if unspent:
        plan.ledger(ops, "refund_due", unspent, moment.date(), secretariat,
                    f"Unspent WNF money of {plan.reference}")
    freed = money["approved"] - released
    if freed:
        plan.ledger(ops, "commitment_release", freed, moment.date(), secretariat,
                    f"{plan.reference} closed: the final report was accepted")
    report["row"].update(accepted_at=moment, unspent_yen=unspent)
    plan.fire(ops, moment, "accept_report", secretariat, state, "closed",
              released_yen=released, spent_wnf_yen=spent_wnf, unspent_yen=unspent,
              commitment_released_yen=freed)
    return "closed"
