"""The funds' kept totals (workflow.money.fund_totals) stay equal to an independent sum of the
ledger after a random history of donations, commitments, releases, repayments,
cancellations, refunds and write-offs, booked across fiscal years; the fund page, the
portfolio's loan book and `flask audit verify --full` read them or hold them to the ledger."""

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text

from models import Fund, FundTotal, LedgerEntry, db, write_intent
from tests.database import audit_triggers_lifted
from workflow.money import fund_reports, fund_totals, ledger, portfolio

FIRST_DAY = date(2024, 1, 1)  # fiscal years 2023 to 2026


def _fiscal_year(day: date) -> int:
    return day.year - (day.month < 4)


def _summed_by_hand(fund_id: int) -> dict[tuple[str, int], tuple[int, int]]:
    """(kind, fiscal year) → (yen, entries), from the ledger rows one by one."""
    sums: dict[tuple[str, int], tuple[int, int]] = {}
    for kind, amount, day in db.session.execute(
            select(LedgerEntry.kind, LedgerEntry.amount_yen, LedgerEntry.booked_on)
            .where(LedgerEntry.fund_id == fund_id)):
        yen, count = sums.get((kind, _fiscal_year(day)), (0, 0))
        sums[kind, _fiscal_year(day)] = (yen + amount, count + 1)
    return sums


def _kept(fund_id: int) -> dict[tuple[str, int], tuple[int, int]]:
    return {(t.kind, t.fiscal_year): (t.amount_yen, t.entries) for t in db.session.scalars(
        select(FundTotal).where(FundTotal.fund_id == fund_id))}


def _random_books(applications, rng: random.Random, steps: int) -> None:
    """Each step books on a random day of three years, through the ledger's own functions."""
    db.session.commit()
    with write_intent(True):
        for _ in range(steps):
            application = rng.choice(applications)
            fund = application.fund
            day = FIRST_DAY + timedelta(days=rng.randrange(3 * 365))
            action = rng.choice(["donate", "approve", "release", "repay", "cancel", "refund",
                                 "write_off"])
            if action == "donate":
                ledger.post(fund, "donation", rng.randint(1, 5_000_000), actor=None,
                            booked_on=day)
            elif action == "approve":
                amount = rng.randint(1, 3_000_000)
                if amount <= ledger.balances(fund).available:
                    ledger.reserve(application, amount, None, booked_on=day)
            elif action == "release":
                left = ledger.outstanding_commitment(application)
                if left > 0:
                    ledger.post(fund, "disbursement", rng.randint(1, left), actor=None,
                                application=application, booked_on=day)
            elif action == "repay":
                for kind in ("repayment_principal", "repayment_interest", "repayment_damages"):
                    ledger.post(fund, kind, rng.randint(1, 200_000), actor=None,
                                application=application, booked_on=day)
            elif action == "cancel":
                ledger.release_commitment(application, None, "Cancelled", booked_on=day)
            elif action == "refund":
                ledger.post(fund, "refund_due", rng.randint(1, 100_000), actor=None,
                            application=application, booked_on=day)
                ledger.post(fund, "refund", rng.randint(1, 100_000), actor=None,
                            application=application, booked_on=day)
            else:
                ledger.post(fund, "write_off", rng.randint(1, 100_000), actor=None,
                            application=application, booked_on=day)
        db.session.commit()


@pytest.fixture
def books(app, make_application):
    def build(seed: int, steps: int = 120):
        applications = ([make_application("grant", state="approved") for _ in range(3)]
                        + [make_application("loan", state="active") for _ in range(3)])
        _random_books(applications, random.Random(seed), steps)
        return db.session.scalars(select(Fund).order_by(Fund.code)).all()
    return build


@pytest.mark.parametrize("seed", [7, 8, 9, 10])
def test_every_kept_total_equals_the_ledgers_sum(books, seed):
    for fund in books(seed):
        summed = _summed_by_hand(fund.id)
        assert len({year for _, year in summed}) > 1  # the history spans fiscal years
        assert _kept(fund.id) == summed
    assert fund_totals.differences() == []


@pytest.mark.parametrize("seed", [11, 12])
def test_the_balances_and_the_loan_book_equal_the_ledgers_sums(books, seed):
    funds = books(seed)
    loan_outstanding = 0
    for fund in funds:
        for today in (date(2024, 6, 1), date(2025, 2, 1), date(2026, 12, 1)):
            shown = ledger.balances(fund, today)
            rows = db.session.execute(select(LedgerEntry.kind, LedgerEntry.amount_yen,
                                             LedgerEntry.booked_on)
                                      .where(LedgerEntry.fund_id == fund.id)).all()
            total = {}
            for kind, amount, _ in rows:
                total[kind] = total.get(kind, 0) + amount
            year = _fiscal_year(today)
            disbursed_this_year = sum(a for k, a, d in rows
                                      if k == "disbursement" and _fiscal_year(d) == year)
            cash = (sum(total.get(k, 0) for k in ("donation", "refund", "repayment_principal",
                                                  "repayment_interest", "repayment_damages"))
                    - total.get("disbursement", 0))
            assert shown.cash == cash
            assert shown.committed == (total.get("commitment", 0)
                                       - total.get("commitment_release", 0)
                                       - total.get("disbursement", 0))
            assert shown.disbursed_this_year == disbursed_this_year
            assert shown.refunds_due == total.get("refund_due", 0) - total.get("refund", 0)
            assert shown.written_off == total.get("write_off", 0)
        if fund.kind == "loan":
            loan_outstanding += (total.get("disbursement", 0)
                                 - total.get("repayment_principal", 0)
                                 - total.get("write_off", 0))
    assert portfolio.loan_book()["outstanding_yen"] == loan_outstanding


@pytest.mark.parametrize("seed", [14])
def test_the_ledgers_length_on_the_fund_page_equals_its_entries(books, seed):
    for fund in books(seed):
        kinds = db.session.scalars(select(LedgerEntry.kind)
                                   .where(LedgerEntry.fund_id == fund.id)).all()
        assert fund_reports.ledger_count(fund, fund_reports.LedgerFilters()) == len(kinds)
        for kind in ("donation", "disbursement", "write_off"):
            assert fund_reports.ledger_count(
                fund, fund_reports.LedgerFilters(kind=kind)) == kinds.count(kind)
        in_2025 = fund_reports.LedgerFilters(date_from=date(2025, 1, 1),
                                             date_to=date(2025, 12, 31))
        assert fund_reports.ledger_count(fund, in_2025) == db.session.scalar(
            select(func.count()).select_from(LedgerEntry).where(
                LedgerEntry.fund_id == fund.id,
                LedgerEntry.booked_on.between(date(2025, 1, 1), date(2025, 12, 31))))


def test_a_total_that_drifts_from_its_ledger_fails_the_full_verification(app, books):
    books(13, steps=40)
    runner = app.test_cli_runner()
    verified = runner.invoke(args=["audit", "verify", "--full"])
    assert verified.exit_code == 0, verified.output
    assert "the kept totals of 2 funds match their ledgers" in verified.output
    entry = db.session.scalar(select(LedgerEntry).order_by(LedgerEntry.id).limit(1))
    fund_code, kind, year = entry.fund.code, entry.kind, _fiscal_year(entry.booked_on)
    db.session.rollback()
    with write_intent(True):  # someone with database access adds a yen to the totals
        conn = db.session.connection()
        with audit_triggers_lifted(conn):
            conn.execute(text("UPDATE fund_totals SET amount_yen = amount_yen + 1 "
                              "WHERE fund_id = :fund AND kind = :kind AND "
                              "fiscal_year = :year"),
                         {"fund": entry.fund_id, "kind": kind, "year": year})
        db.session.commit()
    drifted = runner.invoke(args=["audit", "verify", "--full"])
    assert drifted.exit_code == 1
    assert (f"The kept {kind} total of the {fund_code} fund for fiscal year {year}"
            in drifted.output)
