"""What must hold of any demo data, living or generated, checked from the rows alone.

Each check returns a list of problems (empty when all is well), so that a failing test
names the applications at fault instead of stopping at the first.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date

from sqlalchemy import func, select

from models import (
    Application,
    Attachment,
    AuditEvent,
    Ballot,
    Fund,
    GrantDetails,
    Instalment,
    LedgerEntry,
    ReferenceCounter,
    Repayment,
    Tranche,
    Vote,
    db,
    utcnow,
)
from workflow.committee.tally import quorum_for
from workflow.engine import registry
from workflow.loans.repayments import GRACE_DAYS
from workflow.money import fund_reports, kept_figures, ledger

CASH_IN = {"donation", "refund", "repayment_principal", "repayment_interest",
           "repayment_damages"}


def transition_histories() -> dict[int, list[tuple]]:
    """Per application, its events in chain order: (action, from, to, data)."""
    rows = db.session.execute(
        select(AuditEvent.object_id, AuditEvent.action, AuditEvent.from_state,
               AuditEvent.to_state, AuditEvent.data)
        .where(AuditEvent.object_type == "application").order_by(AuditEvent.seq)).all()
    histories: dict[int, list[tuple]] = defaultdict(list)
    for object_id, action, from_state, to_state, data in rows:
        histories[object_id].append((action, from_state, to_state, _data(data)))
    return histories


def _data(value):
    return json.loads(value) if isinstance(value, str) else value


def paths_follow_the_workflow() -> list[str]:
    """Every state change is an arrow of the definition, from where the last one left off,
    and the application ends where its last transition put it, with the version the service
    would have given it."""
    problems = []
    histories = transition_histories()
    for app in db.session.scalars(select(Application)):
        definition = registry.get(app.workflow_name, app.workflow_version)
        state, transitions, extra = None, 0, 0
        for action, from_state, to_state, data in histories[app.id]:
            if action == "create":
                state = to_state
                continue
            if action == "proposal_saved":
                extra += 1  # the requested amount is written to the row
                continue
            if action not in definition.triggers:
                continue
            arrows = [a for a in definition.arrows(action, from_state) if a.dest == to_state]
            if from_state != state or not arrows:
                problems.append(f"{app.reference}: {action} {from_state} -> {to_state} "
                                f"after {state}")
            state, transitions = to_state, transitions + 1
            if action in ("submit", "resubmit"):
                extra += 1  # the submission time is written after the move
            if action == "decide" and data.get("outcome") == "approved":
                extra += 1  # the approved amount is written after the move
        if state != app.state:
            problems.append(f"{app.reference}: ends {app.state}, its history says {state}")
        if app.version != 1 + transitions + extra:
            problems.append(f"{app.reference}: version {app.version}, expected "
                            f"{1 + transitions + extra}")
    return problems


def references_unique() -> list[str]:
    problems = []
    refs = db.session.scalars(select(Application.reference)).all()
    problems += [f"{ref} used {n} times" for ref, n in Counter(refs).items() if n > 1]
    counters = {(c.fund_id, c.fiscal_year): c.last_number
                for c in db.session.scalars(select(ReferenceCounter))}
    for fund_id, year, highest, count in db.session.execute(
            select(Application.fund_id, Application.fiscal_year, func.max(Application.number),
                   func.count()).group_by(Application.fund_id, Application.fiscal_year)):
        if counters.get((fund_id, year)) != highest or highest != count:
            problems.append(f"fund {fund_id} FY{year}: numbers up to {highest} for {count} "
                            f"files, counter at {counters.get((fund_id, year))}")
    return problems


def balance_moves(kind: str, amount: int) -> tuple[int, int]:
    """What one ledger entry does to its fund's cash and committed money, written here apart
    from workflow.money.ledger: the independent sums of the tests and the benchmarks."""
    cash = amount if kind in CASH_IN else -amount if kind == "disbursement" else 0
    committed = {"commitment": amount, "commitment_release": -amount,
                 "disbursement": -amount}.get(kind, 0)
    return cash, committed


def independent_balances(fund: Fund) -> dict[str, int]:
    """cash and committed summed entry by entry in Python, not by workflow.money.ledger."""
    cash = committed = 0
    for kind, amount in db.session.execute(
            select(LedgerEntry.kind, LedgerEntry.amount_yen)
            .where(LedgerEntry.fund_id == fund.id)):
        cash_moved, committed_moved = balance_moves(kind, amount)
        cash, committed = cash + cash_moved, committed + committed_moved
    return {"cash": cash, "committed": committed}


def ledger_consistent() -> list[str]:
    """Balances never below zero on any day, the ledger's figures (and every figure kept
    beside it) equal an independent sum, and every application's money adds up."""
    problems = kept_figures.differences()
    for fund in db.session.scalars(select(Fund)):
        figures = ledger.balances(fund)
        mine = independent_balances(fund)
        if (figures.cash, figures.committed) != (mine["cash"], mine["committed"]):
            problems.append(f"{fund.code}: ledger says {figures}, entries sum to {mine}")
        for day in fund_reports.balance_history(fund):
            if min(day["cash"], day["committed"], day["available"]) < 0:
                problems.append(f"{fund.code} on {day['day']}: {day}")
    sums: dict[int, Counter] = defaultdict(Counter)
    for app_id, kind, amount in db.session.execute(
            select(LedgerEntry.application_id, LedgerEntry.kind,
                   func.sum(LedgerEntry.amount_yen))
            .where(LedgerEntry.application_id.is_not(None))
            .group_by(LedgerEntry.application_id, LedgerEntry.kind)):
        sums[app_id][kind] = int(amount)
    released = dict(db.session.execute(
        select(Tranche.application_id, func.sum(Tranche.amount_yen))
        .where(Tranche.state == "released").group_by(Tranche.application_id)).all())
    for app in db.session.scalars(select(Application)):
        money = sums[app.id]
        if money["commitment"] != (app.approved_yen or 0):
            problems.append(f"{app.reference}: committed {money['commitment']}, approved "
                            f"{app.approved_yen}")
        if money["disbursement"] != int(released.get(app.id, 0)):
            problems.append(f"{app.reference}: disbursed {money['disbursement']}, tranches "
                            f"released {released.get(app.id, 0)}")
        outstanding = money["commitment"] - money["commitment_release"] - money["disbursement"]
        ended = app.state in ("closed", "cancelled", "rejected", "withdrawn", "repaid",
                              "written_off")
        if outstanding < 0 or (ended and outstanding):
            problems.append(f"{app.reference} ({app.state}): {outstanding} still reserved")
    return problems


def _deferred_by_the_secretariat() -> set[tuple[int, int]]:
    """(application id, ballot number) of the ballots the secretariat deferred."""
    return {(object_id, _data(data)["ballot"]) for object_id, data in db.session.execute(
        select(AuditEvent.object_id, AuditEvent.data).where(AuditEvent.action == "defer"))}


def ballots_consistent() -> list[str]:
    """A closed ballot's count is its votes', and its outcome is the rule's (or deferred,
    when the secretariat deferred it: nobody could close it)."""
    problems = []
    deferred = _deferred_by_the_secretariat()
    counts: dict[int, Counter] = defaultdict(Counter)
    for ballot_id, choice, n in db.session.execute(
            select(Vote.ballot_id, Vote.choice, func.count()).group_by(Vote.ballot_id,
                                                                        Vote.choice)):
        counts[ballot_id][choice] = n
    for b in db.session.scalars(select(Ballot).where(Ballot.state == "closed")):
        c = counts[b.id]
        if (b.approvals, b.rejections, b.abstentions) != (c["approve"], c["reject"],
                                                          c["abstain"]):
            problems.append(f"ballot {b.id}: recorded {b.approvals}/{b.rejections}/"
                            f"{b.abstentions}, votes {dict(c)}")
        cast = sum(c.values())
        if (b.application_id, b.number) in deferred or cast < quorum_for(b.eligible_count):
            expected = "deferred"
        elif c["approve"] != c["reject"]:
            expected = "approved" if c["approve"] > c["reject"] else "rejected"
        else:
            expected = {"approve": "approved", "reject": "rejected"}.get(b.casting_vote)
        if b.outcome != expected:
            problems.append(f"ballot {b.id}: outcome {b.outcome}, the rule gives {expected}")
    return problems


def loans_consistent(today: date) -> list[str]:
    """Schedules repay exactly the amount released; repayments equal what the instalments
    got; repaid loans owe nothing; loans in arrears are late, active ones are not."""
    problems = []
    schedule = defaultdict(list)
    for inst in db.session.scalars(select(Instalment)):
        schedule[inst.application_id].append(inst)
    repaid = dict(db.session.execute(
        select(Repayment.application_id, func.sum(Repayment.amount_yen))
        .group_by(Repayment.application_id)).all())
    released = dict(db.session.execute(
        select(LedgerEntry.application_id, func.sum(LedgerEntry.amount_yen))
        .where(LedgerEntry.kind == "disbursement").group_by(LedgerEntry.application_id)).all())
    for app in db.session.scalars(select(Application).where(Application.kind == "loan")):
        rows = schedule.get(app.id, [])
        if not rows:
            continue
        if sum(i.principal_yen for i in rows) != int(released.get(app.id, 0)):
            problems.append(f"{app.reference}: the schedule lends another amount")
        paid = sum(i.paid_principal_yen + i.paid_interest_yen + i.paid_damages_yen
                   for i in rows)
        if paid != int(repaid.get(app.id, 0)):
            problems.append(f"{app.reference}: instalments got {paid}, repayments "
                            f"{repaid.get(app.id, 0)}")
        owed = sum(i.due_yen for i in rows)
        late = [i for i in rows if i.due_yen and (today - i.due_on).days > GRACE_DAYS]
        if app.state == "repaid" and owed:
            problems.append(f"{app.reference}: repaid but owes {owed}")
        if app.state == "in_arrears" and not late:
            problems.append(f"{app.reference}: in arrears without a late instalment")
        if app.state == "active" and late:
            problems.append(f"{app.reference}: active with instalment {late[0].number} late")
    return problems


def loans_carry_their_documents() -> list[str]:
    """Every loan application ever submitted carries its business plan and statements."""
    from workflow.loans.documents import DOCUMENT_KINDS

    kinds: dict[int, set[str]] = defaultdict(set)
    for app_id, kind in db.session.execute(
            select(Attachment.application_id, Attachment.kind)
            .where(Attachment.kind.in_(list(DOCUMENT_KINDS)))):
        kinds[app_id].add(kind)
    submitted = set(db.session.scalars(
        select(AuditEvent.object_id).where(AuditEvent.object_type == "application",
                                           AuditEvent.action == "submit")))
    return [f"{app.reference}: submitted without {set(DOCUMENT_KINDS) - kinds[app.id]}"
            for app in db.session.scalars(select(Application).where(Application.kind == "loan"))
            if app.id in submitted and kinds[app.id] != set(DOCUMENT_KINDS)]


def activities_after_submission() -> list[str]:
    """No grant's activity starts before the day it was last (re)submitted, by the audit
    trail's clock (the generated demo's: the living demo's service checked its own dates,
    and its trail records when the seed ran)."""
    last_submitted: dict[int, date] = {}
    for app_id, occurred in db.session.execute(
            select(AuditEvent.object_id, AuditEvent.occurred_at)
            .where(AuditEvent.object_type == "application",
                   AuditEvent.action.in_(("submit", "resubmit")),
                   AuditEvent.to_state == "submitted").order_by(AuditEvent.seq)):
        last_submitted[app_id] = occurred.date()
    problems = []
    for app_id, reference, start in db.session.execute(
            select(Application.id, Application.reference, GrantDetails.start_date)
            .join(GrantDetails, GrantDetails.application_id == Application.id)):
        if app_id in last_submitted and (start is None or start < last_submitted[app_id]):
            problems.append(f"{reference}: the activity starts on {start}, submitted on "
                            f"{last_submitted[app_id]}")
    return problems


def chronological() -> list[str]:
    """The chain was written in the order things happened."""
    times = db.session.scalars(select(AuditEvent.occurred_at).order_by(AuditEvent.seq)).all()
    backwards = [i for i in range(1, len(times)) if times[i] < times[i - 1]]
    problems = [f"event {i + 1} is older than the one before it" for i in backwards[:5]]
    if times and times[-1] > utcnow():
        problems.append("the last event is in the future")
    return problems


def event_shapes() -> dict[str, tuple[str, set[frozenset]]]:
    """Per action: its object type and the sets of data keys its events carry."""
    shapes: dict[str, tuple[str, set[frozenset]]] = {}
    for action, object_type, data in db.session.execute(
            select(AuditEvent.action, AuditEvent.object_type, AuditEvent.data)):
        keys = frozenset(_data(data))
        shapes.setdefault(action, (object_type, set()))[1].add(keys)
    return shapes


def rounds_within_budget() -> list[str]:
    """No round has approved more than its budget (its figures read from the ledger)."""
    from models import Round
    from workflow.money import round_budget

    figures = round_budget.figures_by_round()
    return [f"{r.name}: approved ¥{figures[r.id].approved:,} of ¥{r.budget_yen:,}"
            for r in db.session.scalars(select(Round)) if figures[r.id].left < 0]
