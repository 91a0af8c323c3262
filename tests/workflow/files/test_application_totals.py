"""The applications' kept counts (workflow.files.application_totals) stay equal to an
independent count of the applications after a random history of files made in several
rounds, fiscal years and countries, loan drafts moved to another round or investment
country, grants given, changed or cleared programme types, and approvals; the portfolio's
figures by round, by country and by programme type read them. The
rounds' and the portfolio's kept entries (workflow.money.moved_files) follow a file moved
with its money to another round or investment country."""

import random
from datetime import date

import pytest
from sqlalchemy import func, select

from models import (
    PROGRAMME_TYPES,
    Application,
    ApplicationTotal,
    GrantDetails,
    LedgerEntry,
    LoanDetails,
    Round,
    RoundTotal,
    db,
    write_intent,
)
from workflow.files.applications import create_application
from workflow.money import kept_figures, ledger, portfolio

COUNTRIES = ("VN", "ID", "TH", None)
PROGRAMMES = (*PROGRAMME_TYPES, None)


def _counted_by_hand() -> dict[tuple, tuple[int, int, int]]:
    """(organisation, kind, investment country, round, fiscal year) → (applications,
    approved, approved yen), from the applications one by one."""
    counts: dict[tuple, tuple[int, int, int]] = {}
    for app, country in db.session.execute(
            select(Application, LoanDetails.investment_country)
            .outerjoin(LoanDetails, LoanDetails.application_id == Application.id)):
        key = (app.organisation_id, app.kind, (country or "") if app.kind == "loan" else "",
               app.round_id or 0, app.fiscal_year)
        n, approved, yen = counts.get(key, (0, 0, 0))
        counts[key] = (n + 1, approved + (app.approved_yen is not None),
                       yen + (app.approved_yen or 0))
    return counts


def _kept() -> dict[tuple, tuple[int, int, int]]:
    return {(t.organisation_id, t.kind, t.investment_country, t.round_id, t.fiscal_year):
            (t.applications, t.approved, t.approved_yen)
            for t in db.session.scalars(select(ApplicationTotal)) if t.applications}


def _booked_by_round() -> dict[tuple[int, str], tuple[int, int]]:
    """(round, kind) → (yen, entries), from the ledger entries one by one."""
    sums: dict[tuple[int, str], tuple[int, int]] = {}
    for round_id, kind, amount in db.session.execute(
            select(Application.round_id, LedgerEntry.kind, LedgerEntry.amount_yen)
            .join(Application, Application.id == LedgerEntry.application_id)):
        yen, entries = sums.get((round_id, kind), (0, 0))
        sums[round_id, kind] = (yen + amount, entries + 1)
    return sums


def _kept_by_round() -> dict[tuple[int, str], tuple[int, int]]:
    return {(t.round_id, t.kind): (t.amount_yen, t.entries)
            for t in db.session.scalars(select(RoundTotal)) if t.entries}


def _random_files(rng, make_fund, make_org, make_round, steps: int) -> None:
    """Each step writes in a transaction of its own, the objects expired after each commit
    (as in a request: a change is set on a row not loaded yet)."""
    funds = {kind: make_fund(code) for kind, code in (("grant", "WNF"), ("loan", "SME"))}
    rounds = {kind: [make_round(fund) for _ in range(3)] for kind, fund in funds.items()}
    owners = {"grant": [make_org(country_code=c) for c in ("TH", "VN")],
              "loan": [make_org(kind="company", country_code="JP") for _ in range(2)]}
    made: list[Application] = []
    for _ in range(steps):
        action = rng.choice(["new", "new", "move", "approve", "approve", "programme"])
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
                elif rng.random() < 0.7:
                    db.session.add(GrantDetails(application_id=application.id,
                                                programme_type=rng.choice(PROGRAMMES)))
                made.append(application)
            elif action == "programme" and (application := rng.choice(made)).kind == "grant":
                # A draft's edit: a programme chosen, changed or cleared.
                details = db.session.get(GrantDetails, application.id)
                if details is None:
                    db.session.add(GrantDetails(application_id=application.id,
                                                programme_type=rng.choice(PROGRAMMES)))
                else:
                    details.programme_type = rng.choice(PROGRAMMES)
            elif action == "move" and (application := rng.choice(made)).kind == "loan":
                application.round_id = rng.choice(rounds["loan"]).id  # a draft's edit
                db.session.get(LoanDetails, application.id).investment_country = (
                    rng.choice(COUNTRIES))
                if application.approved_yen is not None:
                    # A file with money moved (no page does), booked in the move's flush.
                    ledger.post(application.fund, "disbursement", rng.randint(1, 1_000),
                                actor=None, application=application)
            elif action == "approve" and (application := rng.choice(made)).approved_yen is None:
                application.approved_yen = rng.randint(1, 5_000_000)
                ledger.post(application.fund, "commitment", application.approved_yen,
                            actor=None, application=application)
            db.session.commit()


@pytest.mark.parametrize("seed", [31, 32, 33])
def test_every_kept_count_equals_the_applications(app, make_fund, make_org, make_round, seed):
    _random_files(random.Random(seed), make_fund, make_org, make_round, steps=60)
    by_hand = _counted_by_hand()
    assert len({key[2] for key in by_hand}) > 2  # grants, and loans in several countries
    assert len({key[3] for key in by_hand}) > 2  # several rounds
    assert len({key[4] for key in by_hand}) > 1  # several fiscal years
    assert _kept() == by_hand
    assert _kept_by_round() == _booked_by_round()
    assert len({round_id for round_id, _ in _kept_by_round()}) > 2
    programmes = dict(db.session.execute(
        select(GrantDetails.programme_type, func.count())
        .where(GrantDetails.programme_type.is_not(None))
        .group_by(GrantDetails.programme_type)).all())
    assert len(programmes) > 2
    assert dict(portfolio.by_programme_type()) == programmes
    states = db.session.execute(select(Application.kind, Application.state, func.count())
                                .group_by(Application.kind, Application.state)).all()
    assert sorted(portfolio.by_state()) == sorted(states)
    assert kept_figures.differences() == []


@pytest.mark.parametrize("seed", [34])
def test_the_portfolio_by_round_and_by_country_counts_the_applications(
        app, make_fund, make_org, make_round, seed):
    _random_files(random.Random(seed), make_fund, make_org, make_round, steps=50)
    rounds: dict[str, list[int]] = {}
    countries: dict[tuple[str, str], int] = {}
    for app_row, country, round_name in db.session.execute(
            select(Application, LoanDetails.investment_country, Round.name)
            .outerjoin(LoanDetails, LoanDetails.application_id == Application.id)
            .join(Round, Round.id == Application.round_id)):
        shown = rounds.setdefault(round_name, [0, 0])
        shown[0] += 1
        shown[1] += app_row.approved_yen or 0
        where = (country or app_row.organisation.country_code if app_row.kind == "loan"
                 else app_row.organisation.country_code)
        countries[where, app_row.kind] = countries.get((where, app_row.kind), 0) + 1
    assert [(name, n, yen) for name, n, yen in portfolio.by_round()] == sorted(
        (name, n, yen) for name, (n, yen) in rounds.items())
    assert {(row.country, kind): n for row in portfolio.by_country()
            for kind, n in (("grant", row.grants), ("loan", row.loans)) if n} == countries
