"""What the filter bars offer: the funds, the rounds and the organisations, by name.

Every page of the application list offers them, hundreds of organisations among them,
and they change a few times a month. Each worker keeps them, with a mark of the three
tables (how many rows, the latest change) read in one statement on every page: a row
added, edited or deleted moves the mark, and the lists are read again.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from models import Fund, Organisation, Round, db


@dataclass(frozen=True)
class Choices:
    funds: tuple[str, ...]  # codes
    rounds: tuple[tuple[int, str], ...]  # (id, name), by name
    organisations: tuple[tuple[int, str], ...]  # (id, name), by name


_MARK = select(*(part for model in (Fund, Round, Organisation) for part in (
    select(func.count()).select_from(model).scalar_subquery(),
    select(func.max(model.updated_at)).scalar_subquery())))
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
    mark = tuple(db.session.connection().execute(_MARK).one())
    if mark != _kept["mark"]:
        _kept["choices"], _kept["mark"] = _read(), mark
    return _kept["choices"]


def forget() -> None:
    """For tests, which may fill the tables twice within one clock tick (a frozen clock)."""
    _kept["mark"] = _kept["choices"] = None
