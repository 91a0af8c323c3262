"""A round's budget binds: its figures, derived from the ledger, and the approval's check.

    approved  = commitments − commitment releases of the round's applications
                (what was approved and is still reserved or paid out)
    disbursed = disbursements to the round's applications
    left      = budget − approved

A cancelled grant, or a closed one that spent less, gives its unused money back to the
round as its commitment is released. An approval that would take the approved total over
the budget is refused with these figures. Approvals lock the fund row, then the round row
(the same order everywhere, so two transactions never wait for each other in a circle);
a budget lowered by the secretariat locks the round row alone. Those checks, the chair's
form and the rounds page read the sums kept with each booking (figures_of says why that
holds under the lock).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from models import Application, Round, RoundTotal, db
from workflow.engine.errors import TransitionRefused, ValidationFailed
from workflow.engine.locking import ensure_write_transaction

ROUND_KINDS = ("commitment", "commitment_release", "disbursement")


@dataclass(frozen=True)
class RoundFigures:
    budget: int
    approved: int
    disbursed: int

    @property
    def left(self) -> int:
        return self.budget - self.approved


def _sums_by_round(round_id: int | None = None) -> dict[int, dict[str, int]]:
    """Every round's sums, or one round's, from the figures kept with each booking
    (models.RoundTotal): a few rows a round, however long the ledger grows."""
    query = (select(RoundTotal.round_id, RoundTotal.kind, RoundTotal.amount_yen)
             .where(RoundTotal.kind.in_(ROUND_KINDS)))
    if round_id is not None:
        query = query.where(RoundTotal.round_id == round_id)
    sums: dict[int, dict[str, int]] = defaultdict(dict)
    for row_round, kind, total in db.session.execute(query):
        sums[row_round][kind] = int(total)
    return sums


def _figures(budget: int, sums: dict[str, int]) -> RoundFigures:
    return RoundFigures(budget=budget,
                        approved=sums.get("commitment", 0) - sums.get("commitment_release", 0),
                        disbursed=sums.get("disbursement", 0))


def figures_of(round_: Round) -> RoundFigures:
    """The round's budget, approved, disbursed and left, as the ledger stands now: its
    kept sums, three rows found by their key.

    The approval's guard may read them under the round's lock: the kept rows change in the
    transaction of each booking, so they show what the ledger's committed entries show.
    Commitments are booked by approvals alone (workflow.committee.decision), each under the
    round's lock taken before this read, so none is missed; a commitment released meanwhile
    (a cancellation, a closing, a loan's undrawn part: under the fund's lock only) can only
    lower the approved total, so reading it a moment late refuses no more than summing the
    entries would. A file moved to another round (an edit of its request) takes its sums
    along in the flush that moves it (workflow.money.moved_files), as its entries' round
    would move with it.
    """
    return _figures(round_.budget_yen, _sums_by_round(round_.id).get(round_.id, {}))


def figures_by_round() -> dict[int, RoundFigures]:
    """Every round's figures (the rounds page), from the kept sums of its entries."""
    sums = _sums_by_round()
    budgets = db.session.execute(select(Round.id, Round.budget_yen)).all()
    return {round_id: _figures(budget, sums.get(round_id, {}))
            for round_id, budget in budgets}


def lock_round(round_: Round) -> Round:
    """Serialise what may change the round's approved total or budget (FOR NO KEY UPDATE,
    as the fund's lock: rows that refer to the round may still be written)."""
    ensure_write_transaction(db.session)
    return db.session.execute(
        select(Round).where(Round.id == round_.id).with_for_update(key_share=True)
        .execution_options(populate_existing=True)).scalar_one()


def over_budget(round_: Round, figures: RoundFigures, amount: int) -> str | None:
    """The sentence refusing an approval of `amount` that the round's budget cannot take."""
    if amount <= figures.left:
        return None
    left = max(figures.left, 0)
    return (_("The round %(name)s has a budget of ¥%(budget)s, of which ¥%(approved)s is "
              "approved and ¥%(left)s left: approving ¥%(amount)s would take it over its budget "
              "by ¥%(left2)s.", name=round_.name, budget=f"{figures.budget:,}",
              approved=f"{figures.approved:,}", left=f"{left:,}", amount=f"{amount:,}",
              left2=f"{amount - left:,}"))


def refuse_over_budget(application: Application, amount: int) -> None:
    """Under the round's lock (the fund's is held already): refuse an approval the round's
    budget cannot take, with the figures."""
    if application.round_id is None:
        return
    round_ = lock_round(application.round)
    problem = over_budget(round_, figures_of(round_), amount)
    if problem:
        raise TransitionRefused(problem)


def refuse_budget_below_approved(round_: Round, budget_yen: int) -> None:
    """A round's budget may not be set below what it has already approved."""
    if round_.id is None:
        return
    lock_round(round_)
    approved = figures_of(round_).approved
    if budget_yen < approved:
        raise ValidationFailed(_("¥%(approved)s is already approved in this round: its budget "
                                 "cannot be lower.", approved=f"{approved:,}"), "budget_yen")
