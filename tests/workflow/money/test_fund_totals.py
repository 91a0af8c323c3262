"""The funds' kept totals (workflow.money.fund_totals) stay equal to an independent sum of the
ledger after a random history of donations, commitments, releases, repayments,
cancellations, refunds and write-offs, booked across fiscal years; the fund page, the
portfolio's loan book and `flask audit verify --full` read them or hold them to the ledger."""

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text

from models import (
    Application,
    Fund,
    FundDayTotal,
    FundTotal,
    LedgerEntry,
    LoanDetails,
    Organisation,
    PortfolioTotal,
    RoundTotal,
    db,
    write_intent,
)
from tests.database import audit_triggers_lifted
from tests.demo.checks import balance_moves
from workflow.money import (
    fund_reports,
    fund_totals,
    grant_map,
    kept_figures,
    ledger,
    portfolio,
    round_budget,
)

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
def books(app, make_application, make_org, make_round):
    """Grants of societies in three countries (two of one society) and loans of Japanese
    companies investing in two, one naming no country, in two rounds of each fund, booked
    at random."""
    def build(seed: int, steps: int = 120):
        societies = [make_org(country_code=code) for code in ("TH", "VN", "PH")]
        applications = [make_application("grant", state="approved", organisation=society)
                        for society in (*societies[:2], societies[0])]
        applications.append(make_application("grant", state="approved",
                                             organisation=societies[2],
                                             round_=make_round(applications[0].fund)))
        later_round = None
        for country in ("VN", "ID", None):
            loan = make_application("loan", state="active", round_=later_round,
                                    organisation=make_org(kind="company", country_code="JP"))
            later_round = later_round or make_round(loan.fund)
            loan.loan = LoanDetails(investment_country=country)
            applications.append(loan)
        db.session.commit()
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


def _entries_with_their_files():
    """Every ledger entry beside its application's organisation (and country), kind, fiscal
    year and investment country, None for an entry of no application."""
    return db.session.execute(
        select(LedgerEntry.fund_id, LedgerEntry.kind, LedgerEntry.amount_yen,
               LedgerEntry.booked_on, Application.organisation_id, Application.kind,
               Application.fiscal_year, LoanDetails.investment_country,
               Organisation.country_code, Application.round_id)
        .outerjoin(Application, Application.id == LedgerEntry.application_id)
        .outerjoin(LoanDetails, LoanDetails.application_id == Application.id)
        .outerjoin(Organisation, Organisation.id == Application.organisation_id)).all()


def _add(sums: dict, key, amount: int) -> None:
    yen, count = sums.get(key, (0, 0))
    sums[key] = (yen + amount, count + 1)


@pytest.mark.parametrize("seed", [21, 22, 23])
def test_every_kept_figure_of_the_history_and_the_portfolio_equals_the_ledgers_sum(
        books, seed):
    books(seed)
    by_day, by_file, by_round = {}, {}, {}
    for fund, kind, amount, day, org, app_kind, app_year, invests_in, _, round_id in (
            _entries_with_their_files()):
        _add(by_day, (fund, day, kind), amount)
        if round_id is not None:
            _add(by_round, (round_id, kind), amount)
        if org is not None:
            _add(by_file, (org, app_kind, invests_in or "", app_year, _fiscal_year(day), kind),
                 amount)
    assert len({key[4] for key in by_file}) > 1  # booked across fiscal years
    assert {key[2] for key in by_file} == {"", "VN", "ID"}
    assert {(t.fund_id, t.booked_on, t.kind): (t.amount_yen, t.entries)
            for t in db.session.scalars(select(FundDayTotal))} == by_day
    assert {(t.organisation_id, t.application_kind, t.investment_country, t.application_year,
             t.booked_year, t.kind): (t.amount_yen, t.entries)
            for t in db.session.scalars(select(PortfolioTotal))} == by_file
    assert len({round_id for round_id, _ in by_round}) == 4  # two rounds of each fund
    assert {(t.round_id, t.kind): (t.amount_yen, t.entries)
            for t in db.session.scalars(select(RoundTotal))} == by_round
    assert kept_figures.differences() == []


@pytest.mark.parametrize("seed", [26, 27])
def test_the_rounds_page_s_figures_equal_the_ledgers_sums(books, seed):
    books(seed)
    summed: dict[int, dict[str, int]] = {}
    for kind, amount, round_id in db.session.execute(
            select(LedgerEntry.kind, LedgerEntry.amount_yen, Application.round_id)
            .join(Application, Application.id == LedgerEntry.application_id)):
        summed.setdefault(round_id, {})
        summed[round_id][kind] = summed[round_id].get(kind, 0) + amount
    shown = round_budget.figures_by_round()
    assert set(shown) == set(summed) and len(shown) == 4
    for round_id, figures in shown.items():
        sums = summed[round_id]
        assert figures.approved == (sums.get("commitment", 0)
                                    - sums.get("commitment_release", 0))
        assert figures.disbursed == sums.get("disbursement", 0)


def _history_by_hand(fund_id: int) -> list[dict]:
    days: dict[date, tuple[int, int]] = {}
    cash = committed = 0
    for kind, amount, day in db.session.execute(
            select(LedgerEntry.kind, LedgerEntry.amount_yen, LedgerEntry.booked_on)
            .where(LedgerEntry.fund_id == fund_id)
            .order_by(LedgerEntry.booked_on, LedgerEntry.id)):
        cash_moved, committed_moved = balance_moves(kind, amount)
        cash, committed = cash + cash_moved, committed + committed_moved
        days[day] = (cash, committed)
    return [{"day": day.isoformat(), "cash": c, "committed": k, "available": c - k}
            for day, (c, k) in days.items()]


@pytest.mark.parametrize("seed", [24, 25])
def test_the_history_chart_and_the_portfolio_s_money_equal_the_ledgers_sums(books, seed):
    funds = books(seed, steps=300)
    for fund in funds:
        assert fund_reports.balance_history(fund) == _history_by_hand(fund.id)
    disbursed, mapped = {}, {}
    for _, kind, amount, day, _org, app_kind, app_year, invests_in, country, _ in (
            _entries_with_their_files()):
        if kind == "disbursement":
            where = invests_in or country if app_kind == "loan" else country
            _add(disbursed, (app_kind, where, app_year), amount)
            if app_kind == "grant":
                _add(mapped, (country, _fiscal_year(day)), amount)
    shown = {(r.kind, r.country, r.fiscal_year): r.disbursed_yen
             for r in portfolio.money_by_country_and_year() if r.disbursed_yen}
    assert shown == {key: yen for key, (yen, _) in disbursed.items()}
    assert {kind for kind, _, _ in shown} == {"grant", "loan"}
    assert grant_map.GrantFigures.read().disbursed == {
        key: yen for key, (yen, _) in mapped.items()}


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


def test_a_kept_portfolio_figure_that_drifts_fails_the_full_verification(app, books):
    books(15, steps=40)
    runner = app.test_cli_runner()
    verified = runner.invoke(args=["audit", "verify", "--full"])
    assert verified.exit_code == 0, verified.output
    assert kept_figures.MATCHED in verified.output
    db.session.rollback()
    with write_intent(True):  # someone with database access moves a day's sum
        db.session.execute(text("UPDATE fund_day_totals SET amount_yen = amount_yen + 1 "
                                "WHERE booked_on = (SELECT MIN(booked_on) "
                                "FROM fund_day_totals)"))
        db.session.commit()
    drifted = runner.invoke(args=["audit", "verify", "--full"])
    assert drifted.exit_code == 1
    assert "The kept fund_day_totals row" in drifted.output
