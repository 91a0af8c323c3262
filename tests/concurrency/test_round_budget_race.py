"""Twenty chairs' approvals of files of one round at the same instant, in twenty processes:
the round's budget binds every one of them, however they interleave.

The fund holds money for all twenty, so the round's budget alone decides: ¥5,000,000 has
room for seven approvals of ¥700,000 (¥4,900,000), not eight. Each approval locks the fund
and then the round before it counts what the round has approved.
"""

from sqlalchemy import func, select

from models import Application, LedgerEntry, db, write_intent
from workflow.committee import ballots, decision
from workflow.engine import audit, service
from workflow.money import round_budget

from .racing import race
from .scenes import give_cash

RACERS, REQUESTED, BUDGET = 20, 700_000, 5_000_000
FITS = BUDGET // REQUESTED


def _approve(application_id: int, chair_id: int) -> str:
    from models import User

    application = db.session.get(Application, application_id)
    service.fire(application, "decide", db.session.get(User, chair_id))
    return application.state


def test_twenty_approvals_at_once_never_pass_the_round_s_budget(
        app, database_url, make_fund, make_round, make_application, make_user):
    fund = make_fund("WNF")
    round_ = make_round(fund, name="WNF FY2026 race", budget_yen=BUDGET, cap_yen=REQUESTED)
    files = [make_application("grant", state="committee_review", requested_yen=REQUESTED,
                              round_=round_) for _ in range(RACERS)]
    voter, chair = make_user("committee_member"), make_user("committee_chair")
    with write_intent(True):
        for application in files:
            decision.open_ballot(application, None)
            ballots.cast_vote(application, voter, "approve")
        db.session.commit()
    give_cash(fund, RACERS * REQUESTED)

    outcomes = race(database_url, _approve, [(a.id, chair.id) for a in files])

    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["ok"] * FITS + ["refused"] * (RACERS - FITS), outcomes
    refusals = [message for kind, message in outcomes if kind == "refused"]
    # Each refusal carries the figures: the budget, what is approved and left, the excess.
    assert all(message.startswith(f"The round {round_.name} has a budget of ¥5,000,000, of "
                                  "which ¥") and "approving ¥700,000 would take it over its "
                                  "budget by ¥" in message for message in refusals), refusals
    db.session.rollback()
    figures = round_budget.figures_of(round_)
    assert (figures.approved, figures.left) == (FITS * REQUESTED, BUDGET - FITS * REQUESTED)
    committed = db.session.scalar(select(func.sum(LedgerEntry.amount_yen)).where(
        LedgerEntry.kind == "commitment"))
    assert committed == FITS * REQUESTED <= BUDGET
    approved = db.session.scalar(select(func.count()).select_from(Application).where(
        Application.state == "approved"))
    assert approved == FITS
    assert audit.verify().ok
