"""After the load test: nothing paid twice or lost, the kept totals equal to the ledger, the
audit chain whole.

What the users sent (bench.load_users: each release of a tranche, each repayment with its
own bank reference) and what they were told is held to what the database booked after the
run began:

* a release or repayment the user was told was done is booked exactly once (a form sent
  twice included), one told refused is not booked, one the day's end left without an answer
  is booked at most once, and nothing is booked that no user sent;
* each disbursement is of its tranche's amount, each repayment of the amount sent, on the
  loan it was sent for;
* over the whole ledger, no tranche has two disbursements and no repayment's entries differ
  from its amount;
* each fund's kept totals (fund_totals) equal an independent sum of its ledger;
* `flask audit verify --full` passes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from models import AuditEvent, LedgerEntry, Repayment, Tranche, db
from workflow.money import fund_totals

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = "LOAD-%"


def marks(app) -> dict[str, int]:
    """The last ids before the run: what comes after them, the run wrote."""
    with app.app_context():
        figures = {name: db.session.scalar(select(func.coalesce(func.max(column), 0)))
                   for name, column in (("ledger", LedgerEntry.id), ("repayment", Repayment.id),
                                        ("tranche", Tranche.id), ("audit", AuditEvent.seq))}
        db.session.rollback()
    return figures


def _held_to(booked: dict, sent: list[tuple[object, str | None]]) -> dict:
    """Booked (key → times) against what was sent (key, what the user was told; two
    officers may authorise one tranche at once): a key told "done" is booked exactly once
    and told "done" once only, one every sender was told was refused is not booked, one the
    day's end left without an answer at most once; nothing is booked that nobody sent."""
    told: dict[object, list] = {}
    for key, outcome in sent:
        told.setdefault(key, []).append(outcome)
    return {
        "sent": len(sent), "told_done": sum(o.count("done") for o in told.values()),
        "told_refused": sum(o.count("refused") for o in told.values()),
        "booked": len(booked),
        "booked_twice": sorted(k for k, n in booked.items() if n > 1),
        "told_done_twice": sorted(k for k, o in told.items() if o.count("done") > 1),
        "done_but_not_booked": sorted(k for k, o in told.items() if "done" in o
                                      and k not in booked),
        "refused_but_booked": sorted(k for k, o in told.items()
                                     if set(o) == {"refused"} and k in booked),
        "booked_but_never_sent": sorted(set(booked) - set(told)),
    }


def _releases(before: dict, sent: list[dict]) -> dict:
    rows = db.session.execute(
        select(LedgerEntry.tranche_id, func.count(), func.sum(LedgerEntry.amount_yen))
        .where(LedgerEntry.id > before["ledger"], LedgerEntry.kind == "disbursement")
        .group_by(LedgerEntry.tranche_id)).all()
    booked = {tranche: (int(n), int(yen)) for tranche, n, yen in rows}
    amounts = dict(db.session.execute(
        select(Tranche.id, Tranche.amount_yen).where(Tranche.id.in_(list(booked) or [0]))).all())
    figures = _held_to({t: n for t, (n, _) in booked.items()},
                       [(m["tranche"], m.get("outcome")) for m in sent
                        if m["what"] == "release"])
    figures["amount_differs"] = sorted(t for t, (_, yen) in booked.items()
                                       if amounts.get(t) != yen)
    figures["yen"] = sum(yen for _, yen in booked.values())
    return figures


def _repayments(before: dict, sent: list[dict]) -> dict:
    rows = db.session.execute(
        select(Repayment.bank_reference, Repayment.amount_yen, Repayment.application_id)
        .where(Repayment.id > before["repayment"], Repayment.bank_reference.like(REFERENCE))
    ).all()
    recorded = {m["reference"]: m for m in sent if m["what"] == "repayment"}
    figures = _held_to(Counter(reference for reference, _, _ in rows),
                       [(reference, m.get("outcome")) for reference, m in recorded.items()])
    figures["amount_or_loan_differs"] = sorted(
        reference for reference, amount, application in rows if reference in recorded
        and (amount, application) != (recorded[reference]["amount_yen"],
                                      recorded[reference]["application"]))
    figures["yen"] = sum(amount for _, amount, _ in rows)
    return figures


def _whole_ledger() -> dict:
    """Over every entry ever booked: no tranche disbursed twice, every repayment's entries
    equal to its amount."""
    twice = db.session.scalars(
        select(LedgerEntry.tranche_id).where(LedgerEntry.kind == "disbursement",
                                             LedgerEntry.tranche_id.is_not(None))
        .group_by(LedgerEntry.tranche_id).having(func.count() > 1)).all()
    booked = (select(LedgerEntry.repayment_id, func.sum(LedgerEntry.amount_yen).label("yen"))
              .where(LedgerEntry.repayment_id.is_not(None))
              .group_by(LedgerEntry.repayment_id).subquery())
    differs = db.session.scalars(
        select(Repayment.id).join(booked, booked.c.repayment_id == Repayment.id, isouter=True)
        .where(func.coalesce(booked.c.yen, 0) != Repayment.amount_yen)).all()
    return {"tranches_disbursed_twice": list(twice), "repayments_not_matching_entries":
            list(differs)}


def audit_verify(url: str) -> dict:
    """`flask audit verify --full` on the database, as an operator would run it."""
    env = {**os.environ, "DATABASE_URL": url, "WNF_ENV": "development",
           "FLASK_APP": "webui:create_app"}
    done = subprocess.run([sys.executable, "-m", "flask", "audit", "verify", "--full"],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    said = [line for line in done.stdout.splitlines() if line.strip()]
    return {"exit_code": done.returncode, "said": said[-3:]}


def check(app, url: str, before: dict, sent: list[dict]) -> dict:
    with app.app_context():
        figures = {
            "releases": _releases(before, sent),
            "repayments": _repayments(before, sent),
            "whole_ledger": _whole_ledger(),
            "kept_totals_differences": fund_totals.differences(),
            "new_ledger_entries": dict(Counter(dict(db.session.execute(
                select(LedgerEntry.kind, func.count()).where(LedgerEntry.id > before["ledger"])
                .group_by(LedgerEntry.kind)).all()))),
            "new_audit_events": db.session.scalar(
                select(func.count()).where(AuditEvent.seq > before["audit"])),
        }
        db.session.rollback()
    figures["audit_verify_full"] = audit_verify(url)
    figures["ok"] = _ok(figures)
    return figures


def _ok(f: dict) -> bool:
    wrong = ("booked_twice", "told_done_twice", "done_but_not_booked", "refused_but_booked",
             "booked_but_never_sent")
    money = [f["releases"][k] for k in (*wrong, "amount_differs")]
    money += [f["repayments"][k] for k in (*wrong, "amount_or_loan_differs")]
    money += list(f["whole_ledger"].values()) + [f["kept_totals_differences"]]
    return not any(money) and f["audit_verify_full"]["exit_code"] == 0
