"""What the filter bars offer: the funds, the rounds and the organisations, by name.

Every page of the application list offers them, hundreds of organisations among them,
and they change a few times a month. Each worker keeps them, with a mark of the three
tables (how many rows, the latest change) read in one statement on every page: a row
added, edited or deleted moves the mark, and the lists are read again. The same statement
reads the head of the audit chain, which moves whenever an application does: the list
keeps its counts and pages until one of the two moves (workflow.files.kept_lists).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, true

from models import Fund, Organisation, Round, db
from workflow.engine import audit, reading


@dataclass(frozen=True)
class Choices:
    funds: tuple[str, ...]  # codes
    rounds: tuple[tuple[int, str], ...]  # (id, name), by name
    organisations: tuple[tuple[int, str], ...]  # (id, name), by name


@dataclass(frozen=True)
class Marks:
    catalogue: tuple  # per table: how many rows, the latest change
    chain: tuple  # the audit chain's head, as audit.chain_head() gives it


# One single-row summary per table (its count and latest change in one scan), side by
# side, and the chain's head beside them (none on an empty trail, hence the outer join).
_funds, _rounds, _organisations = (
    select(func.count().label("how_many"), func.max(model.updated_at).label("latest"))
    .select_from(model).subquery(f"{model.__tablename__}_mark")
    for model in (Fund, Round, Organisation))
_MARKS = (select(_funds, _rounds, _organisations, audit.HEAD)
          .select_from(_funds).join(_rounds, true()).join(_organisations, true())
          .outerjoin(audit.HEAD, true()))


@reading.memoised
def marks() -> Marks:
    """The catalogue's mark and the chain's head as they stand in this transaction (read
    once per page)."""
    row = tuple(db.session.connection().execute(_MARKS).one())
    return Marks(row[:6], audit.head_of(*row[6:]))


_kept: dict[str, object] = {"mark": None, "choices": None}


def _read() -> Choices:
    run = db.session.connection().execute
    return Choices(
        funds=tuple(run(select(Fund.code).order_by(Fund.code)).scalars()),
        rounds=tuple(map(tuple, run(select(Round.id, Round.name).order_by(Round.name)))),
        organisations=tuple(map(tuple, run(select(Organisation.id, Organisation.name)
                                           .order_by(Organisation.name)))))


def filter_choices() -> Choices:
    """The choices as they stand in this transaction: kept until one of the tables moves."""
    mark = marks().catalogue
    if mark != _kept["mark"]:
        _kept["choices"], _kept["mark"] = _read(), mark
    return _kept["choices"]


def forget() -> None:
    """For tests, which may fill the tables twice within one clock tick (a frozen clock)."""
    _kept["mark"] = _kept["choices"] = None
