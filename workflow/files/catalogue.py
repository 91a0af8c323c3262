"""What the filter bars offer: the funds, the rounds and the organisations, by name.

Every page of the application list offers them, hundreds of organisations among them,
and they change a few times a month. Each worker keeps them under the lists' revision
(workflow.engine.kept), which every organisation, fund or round saved moves: a renamed
organisation is offered under its new name on the next page, whatever the clocks say.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from models import Fund, Organisation, Round, db
from workflow.engine import kept


@dataclass(frozen=True)
class Choices:
    funds: tuple[str, ...]  # codes
    rounds: tuple[tuple[int, str], ...]  # (id, name), by name
    organisations: tuple[tuple[int, str], ...]  # (id, name), by name
    loan_rounds: tuple[tuple[int, str], ...]  # the loan funds' rounds, for the loans list


_kept = kept.KeptAnswers("filter choices", max_entries=1, under=frozenset({"lists"}))


def _read() -> Choices:
    run = db.session.connection().execute
    rounds = run(select(Round.id, Round.name, Fund.kind).join(Fund).order_by(Round.name)).all()
    return Choices(
        funds=tuple(run(select(Fund.code).order_by(Fund.code)).scalars()),
        rounds=tuple((ident, name) for ident, name, _ in rounds),
        organisations=tuple(map(tuple, run(select(Organisation.id, Organisation.name)
                                           .order_by(Organisation.name)))),
        loan_rounds=tuple((ident, name) for ident, name, kind in rounds if kind == "loan"))


def filter_choices() -> Choices:
    """The choices as they stand in this transaction: kept until the lists' revision moves."""
    return _kept.get("choices", kept.marks().file_lists, _read)
