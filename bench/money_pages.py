"""The audit page's verification and the fund and portfolio pages: the figures kept (fund
totals, checkpoints of the chain) against the old way (summing the ledger on every view,
recomputing the whole chain on every check), measured in-process and interleaved, so that
the ratios compare runs of the same minute on a shared machine.

    python -m bench.money_pages [--size 5000] [--database-url URL] [--runs 30] [--reuse]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import tempfile
import time
from datetime import date

from sqlalchemy import case, func, select

from models import Fund, LedgerEntry, db
from tests.database import append_test_events
from workflow.engine import audit, verifying
from workflow.engine.fiscal import fiscal_year, fiscal_year_bounds
from workflow.money import fund_reports, grant_map, ledger, portfolio, round_budget

from . import summed_figures
from .common import fresh_app, save
from .pages import logged_in_client, seed

PAGES = {"funds": "/funds/", "fund WNF": "/funds/WNF", "fund SME": "/funds/SME",
         "portfolio": "/portfolio/", "grants map": "/portfolio/grants-map.json",
         "history WNF": "/funds/WNF/history.json", "history SME": "/funds/SME/history.json",
         "rounds": "/rounds/"}
BUSY_DAY = 2_000  # events appended before each incremental check: a busy day's worth


def _balances_summed(fund: Fund, today: date | None = None) -> ledger.Balances:
    """The balances as the pages read them before the kept totals: the fund's whole ledger
    summed by kind (with this fiscal year's disbursements) on every view."""
    start, end = fiscal_year_bounds(fiscal_year(today or date.today()))
    rows = db.session.execute(
        select(LedgerEntry.kind, func.coalesce(func.sum(LedgerEntry.amount_yen), 0),
               func.coalesce(func.sum(case(
                   (LedgerEntry.booked_on.between(start, end), LedgerEntry.amount_yen),
                   else_=0)), 0))
        .where(LedgerEntry.fund_id == fund.id).group_by(LedgerEntry.kind)).all()
    total = {kind: int(amount) for kind, amount, _ in rows}
    this_year = {kind: int(amount) for kind, _, amount in rows}
    get = total.get
    cash = (sum(get(k, 0) for k in ledger.CASH_IN) - sum(get(k, 0) for k in ledger.CASH_OUT))
    committed = get("commitment", 0) - get("commitment_release", 0) - get("disbursement", 0)
    outstanding = 0
    if fund.kind == "loan":
        outstanding = (get("disbursement", 0) - get("repayment_principal", 0)
                       - get("write_off", 0))
    return ledger.Balances(cash=cash, committed=committed,
                           disbursed_this_year=this_year.get("disbursement", 0),
                           refunds_due=get("refund_due", 0) - get("refund", 0),
                           loans_outstanding=outstanding, written_off=get("write_off", 0))


def _loan_book_summed(kept_loan_book):
    def loan_book() -> dict[str, int]:
        book = kept_loan_book()
        funds = db.session.scalars(select(Fund.id).where(Fund.kind == "loan")).all()
        sums = dict(db.session.execute(
            select(LedgerEntry.kind, func.sum(LedgerEntry.amount_yen))
            .where(LedgerEntry.fund_id.in_(funds),
                   LedgerEntry.kind.in_(("disbursement", "repayment_principal", "write_off")))
            .group_by(LedgerEntry.kind)).all())
        book["outstanding_yen"] = (int(sums.get("disbursement", 0))
                                   - int(sums.get("repayment_principal", 0))
                                   - int(sums.get("write_off", 0)))
        return book
    return loan_book


def _ledger_counted(fund: Fund, filters: fund_reports.LedgerFilters) -> int:
    return db.session.scalar(select(func.count(LedgerEntry.id)).where(
        LedgerEntry.fund_id == fund.id, *([LedgerEntry.kind == filters.kind]
                                          if filters.kind else [])))


# (module, name, the figure summed on each view): what the pages read kept, the old way.
def _summed_readers() -> list[tuple[object, str, object]]:
    return [(ledger, "balances", _balances_summed),
            (portfolio, "loan_book", _loan_book_summed(portfolio.loan_book)),
            (fund_reports, "ledger_count", _ledger_counted),
            (portfolio, "by_round", summed_figures.by_round),
            (portfolio, "_by_country_and_year", summed_figures.by_country_and_year),
            (portfolio, "_disbursed", summed_figures.disbursed_by_country),
            (grant_map, "_disbursed", summed_figures.map_disbursed),
            (grant_map, "_trained", summed_figures.map_trained),
            (fund_reports, "balance_history", summed_figures.balance_history),
            (round_budget, "_sums_by_round", summed_figures.sums_by_round)]


@contextlib.contextmanager
def summing_the_ledger():
    """The pages as they were: every balance, count and portfolio figure summed from the
    ledger, the applications and the reports on each view."""
    readers = _summed_readers()
    kept = [(module, name, getattr(module, name)) for module, name, _ in readers]
    for module, name, summed in readers:
        setattr(module, name, summed)
    try:
        yield
    finally:
        for module, name, reader in kept:
            setattr(module, name, reader)


def _timed(client, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def _figures(times: list[float]) -> dict[str, float]:
    times = sorted(times)
    return {"p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1)}


def page_latency(app, runs: int) -> dict[str, dict]:
    """Each page with the kept totals and summing the ledger, one run of each in turn."""
    client = logged_in_client(app)
    found = {}
    for name, url in PAGES.items():
        kept, summed = [], []
        for _ in range(5):
            client.get(url)
        for _ in range(runs):
            kept.append(_timed(client, url))
            with summing_the_ledger():
                summed.append(_timed(client, url))
        found[name] = {"kept": _figures(kept), "summed": _figures(summed),
                       "ratio_p50": round(statistics.median(summed)
                                          / statistics.median(kept), 1)}
    return found


def verify_latency(app, runs: int) -> dict:
    """The page's check after a busy day's events (from the last checkpoint), next to the
    whole chain recomputed (what the page did before), taken in turn."""
    client = logged_in_client(app)
    incremental, whole = [], []
    with app.app_context():
        verifying.verify(None, full=True, by="bench")  # the first checkpoint
        events = audit.event_count()
        db.session.rollback()
        for _ in range(runs):
            append_test_events(BUSY_DAY)
            start = time.perf_counter()
            page = client.post("/audit/verify")
            incremental.append((time.perf_counter() - start) * 1000)
            assert page.status_code == 200 and b"events verified after event" in page.data
            start = time.perf_counter()
            result = verifying.verify(None, full=True, by="bench")
            whole.append((time.perf_counter() - start) * 1000)
            assert result.ok, str(result)
        events = audit.event_count()
    return {"events_at_the_end": events, "new_events_per_check": BUSY_DAY,
            "page_from_checkpoint": _figures(incremental), "whole_chain": _figures(whole),
            "ratio_p50": round(statistics.median(whole) / statistics.median(incremental), 1)}


def run(size: int, database_url: str | None, runs: int = 30, reuse: bool = False) -> dict:
    app, url = fresh_app(database_url, keep=reuse)
    seconds = seed(app, size, tempfile.mkdtemp(prefix="wnf-bench-uploads-"))
    with app.app_context():
        entries = db.session.scalar(select(func.count()).select_from(LedgerEntry))
        db.session.rollback()
    figures = {"database": "postgresql" if url.startswith("postgresql") else "sqlite",
               "applications": size, "ledger_entries": entries,
               "seed_seconds": round(seconds, 1), "pages": page_latency(app, runs),
               "audit_verify": verify_latency(app, max(3, runs // 5))}
    save(f"money_pages_{figures['database']}", figures)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--database-url")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the database's rows if it is already filled")
    args = parser.parse_args()
    print(json.dumps(run(args.size, args.database_url, args.runs, args.reuse), indent=2))


if __name__ == "__main__":
    main()
