"""The portfolio's figures by kind, country and fiscal year and by round
(models.CountryYearTotal, RoundApplicationTotal) and the grants' disbursements by country
and fiscal year booked (GrantCountryBookedTotal, the map), rolled up from the rows kept by
organisation (workflow.engine.kept_sums), stay equal to an independent count of the
applications and sum of their disbursements after a random history of new files, approvals,
disbursements, loans moved to another investment country or round, and societies and
companies whose country is corrected; `flask audit verify --full` holds them to the same
sums, and a drifted row fails it."""

import random
from datetime import date

import pytest
from sqlalchemy import select, text

from models import (
    Application,
    CountryYearTotal,
    GrantCountryBookedTotal,
    LedgerEntry,
    LoanDetails,
    Organisation,
    RoundApplicationTotal,
    db,
    write_intent,
)
from workflow.files.applications import create_application
from workflow.money import kept_figures, ledger
from workflow.people import accounts

COUNTRIES = ("VN", "ID", "TH", None)
_RECORD = ("kind", "name", "country_code", "city", "industry", "capital_yen", "employees")


def _by_hand() -> tuple[dict, dict, dict]:
    """(kind, country, fiscal year) → (applications, approved, approved yen, disbursed yen,
    disbursements), round → (applications, approved, approved yen), and a grant's
    (country, fiscal year booked) → (disbursed yen, disbursements), from the applications
    and the ledger entries one by one."""
    placed, by_country, by_round, booked = {}, {}, {}, {}
    for app, invests_in, country in db.session.execute(
            select(Application, LoanDetails.investment_country, Organisation.country_code)
            .join(Organisation, Organisation.id == Application.organisation_id)
            .outerjoin(LoanDetails, LoanDetails.application_id == Application.id)):
        key = placed[app.id] = (app.kind, (invests_in if app.kind == "loan" else None)
                                or country, app.fiscal_year)
        row = by_country.setdefault(key, [0] * 5)
        row[0] += 1
        row[1] += app.approved_yen is not None
        row[2] += app.approved_yen or 0
        counted = by_round.setdefault(app.round_id or 0, [0] * 3)
        counted[0] += 1
        counted[1] += app.approved_yen is not None
        counted[2] += app.approved_yen or 0
    for application_id, amount, day in db.session.execute(
            select(LedgerEntry.application_id, LedgerEntry.amount_yen, LedgerEntry.booked_on)
            .where(LedgerEntry.kind == "disbursement",
                   LedgerEntry.application_id.is_not(None))):
        kind, country, _ = placed[application_id]
        row = by_country[placed[application_id]]
        row[3] += amount
        row[4] += 1
        if kind == "grant":
            sums = booked.setdefault((country, day.year - (day.month < 4)), [0, 0])
            sums[0] += amount
            sums[1] += 1
    return ({key: tuple(row) for key, row in by_country.items()},
            {key: tuple(row) for key, row in by_round.items()},
            {key: tuple(row) for key, row in booked.items()})


def _kept() -> tuple[dict, dict, dict]:
    return ({(t.kind, t.country_code, t.fiscal_year): (
                t.applications, t.approved, t.approved_yen, t.disbursed_yen, t.disbursements)
             for t in db.session.scalars(select(CountryYearTotal))
             if (t.applications, t.disbursements) != (0, 0)},
            {t.round_id: (t.applications, t.approved, t.approved_yen)
             for t in db.session.scalars(select(RoundApplicationTotal)) if t.applications},
            {(t.country_code, t.booked_year): (t.disbursed_yen, t.disbursements)
             for t in db.session.scalars(select(GrantCountryBookedTotal)) if t.disbursements})


def _random_history(rng, make_fund, make_org, make_round, steps: int) -> None:
    """Each step in a transaction of its own, through the workflow's own functions."""
    funds = {kind: make_fund(code) for kind, code in (("grant", "WNF"), ("loan", "SME"))}
    rounds = {kind: [make_round(fund) for _ in range(2)] for kind, fund in funds.items()}
    owners = {"grant": [make_org(country_code=c) for c in ("TH", "VN", "PH")],
              "loan": [make_org(kind="company", country_code="JP") for _ in range(2)]}
    organisation_ids = [org.id for orgs in owners.values() for org in orgs]
    db.session.commit()  # the reads above end: each step below is a write transaction
    made: list[int] = []
    for _ in range(steps):
        action = rng.choice(["new", "new", "approve", "disburse", "disburse", "move",
                             "correct"])
        with write_intent(True):
            if action == "new" or not made:
                kind = rng.choice(("grant", "loan"))
                application = create_application(
                    fund=funds[kind], organisation=rng.choice(owners[kind]), title="Course",
                    actor=None, round_=rng.choice(rounds[kind]),
                    today=date(rng.choice((2024, 2025, 2026)), rng.randint(1, 12), 1))
                if kind == "loan":
                    db.session.add(LoanDetails(application_id=application.id,
                                               investment_country=rng.choice(COUNTRIES)))
                made.append(application.id)
            elif action == "approve":
                application = db.session.get(Application, rng.choice(made))
                if application.approved_yen is None:
                    application.approved_yen = rng.randint(1, 5_000_000)
            elif action == "disburse":
                application = db.session.get(Application, rng.choice(made))
                ledger.post(application.fund, "disbursement", rng.randint(1, 1_000_000),
                            actor=None, application=application,
                            booked_on=date(rng.choice((2024, 2025)), rng.randint(1, 12), 1))
            elif action == "move":
                application = db.session.get(Application, rng.choice(made))
                if application.kind == "loan":  # a correction, its money moved with it
                    application.round_id = rng.choice(rounds["loan"]).id
                    db.session.get(LoanDetails, application.id).investment_country = (
                        rng.choice(COUNTRIES))
            else:
                org = db.session.get(Organisation, rng.choice(organisation_ids))
                fields = {name: getattr(org, name) for name in _RECORD}
                accounts.save_organisation(org, **{**fields, "country_code": rng.choice(
                    ("TH", "VN", "PH", "JP", "KR"))})
            db.session.commit()


@pytest.mark.parametrize("seed", [41, 42, 43])
def test_the_rows_by_country_year_and_round_equal_an_independent_count(
        app, make_fund, make_org, make_round, seed):
    _random_history(random.Random(seed), make_fund, make_org, make_round, steps=80)
    by_country, by_round, booked = _by_hand()
    assert len({country for _, country, _ in by_country}) > 2
    assert len({country for country, _ in booked}) > 1  # grants disbursed in several
    assert len({year for _, year in booked}) > 1  # countries, booked in several years
    assert _kept() == (by_country, by_round, booked)
    assert kept_figures.differences() == []


def test_a_drifted_row_by_country_and_year_fails_the_full_verification(
        app, make_fund, make_org, make_round):
    _random_history(random.Random(44), make_fund, make_org, make_round, steps=30)
    runner = app.test_cli_runner()
    verified = runner.invoke(args=["audit", "verify", "--full"])
    assert verified.exit_code == 0, verified.output
    db.session.rollback()
    with write_intent(True):  # someone with database access moves a country's count
        db.session.execute(text("UPDATE country_year_totals SET applications = applications "
                                "+ 1 WHERE fiscal_year = (SELECT MIN(fiscal_year) "
                                "FROM country_year_totals)"))
        db.session.commit()
    drifted = runner.invoke(args=["audit", "verify", "--full"])
    assert drifted.exit_code == 1
    assert "The kept country_year_totals row" in drifted.output


def test_a_country_corrected_in_the_flush_that_approves_a_file_moves_both(
        app, make_application, make_org):
    """The rows the society had move to its new country, and the approval written in the
    same flush is counted there too."""
    society = make_org(country_code="TH")
    approved = make_application("grant", state="approved", organisation=society)
    pending = make_application("grant", state="committee_review", organisation=society)
    db.session.commit()
    with write_intent(True):
        approved.approved_yen = 1_000_000
        ledger.post(approved.fund, "disbursement", 400_000, actor=None, application=approved)
        db.session.commit()
    with write_intent(True):
        assert (society.country_code, pending.approved_yen) == ("TH", None)  # loaded: the
        society.country_code = "VN"  # two changes below are written in one flush
        pending.approved_yen = 2_000_000
        db.session.commit()
    assert _kept() == _by_hand()
    assert {key[1] for key in _kept()[0]} == {"VN"}
    assert kept_figures.differences() == []
