"""The committee page's lists as the words they show, written in Python: up to four lists
of 25 ballots, and a template's link, date filter and word lookups per row cost more than
reading the rows (the portfolio's tables and the file lists do the same).

Each row starts with the cells every list shows (BallotCells), then what its list adds.
"""

from __future__ import annotations

from typing import NamedTuple

from flask import url_for

from workflow.committee.ballots import CHOICE_LABELS
from workflow.committee.tally import Tally
from workflow.engine.wording import word

from ..labels import MISSING, long_date


class BallotCells(NamedTuple):
    ballot_id: int
    href: str  # the file's page, at its committee section
    reference: str
    title: str
    organisation: str
    reading: str  # how the organisation's name is read (a Japanese company's), else ""
    number: int
    opened: str  # the day the ballot opened, in the reader's words


class AwaitingRow(NamedTuple):
    cells: BallotCells
    due: str


class VotedRow(NamedTuple):
    cells: BallotCells
    choice: str  # the reader's vote, in their language


class OpenRow(NamedTuple):
    cells: BallotCells
    tally: Tally
    mine: bool  # the reader presides over it
    presided: bool  # someone may preside over it
    recused: bool  # the reader is recused: its votes are not shown to them
    tally_href: str


class StuckRow(NamedTuple):
    cells: BallotCells
    votable: bool
    presided: bool


def _cells_of(listed) -> list[BallotCells]:
    """Rows that begin with workflow.committee.lists.LISTED's columns."""
    # The rule ends in the id: url_for once, not once a row.
    link = url_for("applications.show", application_id=0).removesuffix("0")
    return [BallotCells(ident, f"{link}{application_id}#committee", reference, title,
                        organisation, reading or "", number, long_date(opened_at))
            for ident, application_id, reference, title, organisation, reading, number,
            opened_at, *_rest in listed]


def awaiting_rows(rows: list) -> list[AwaitingRow]:
    """Rows of LISTED."""
    return [AwaitingRow(cells, long_date(due_on) if due_on else MISSING)
            for cells, (*_listed, due_on) in zip(_cells_of(rows), rows, strict=True)]


def voted_rows(rows: list) -> list[VotedRow]:
    """Rows of LISTED and the reader's choice."""
    choices = {choice: word(label) for choice, label in CHOICE_LABELS.items()}
    return [VotedRow(cells, choices[choice])
            for cells, (*_listed, choice) in zip(_cells_of(rows), rows, strict=True)]


def fund_codes(rows: list) -> dict[int, str]:
    """Ballot id → its file's fund code, of rows of workflow.committee.lists.open_page (for
    workflow.committee.tally.open_tallies)."""
    return {ballot_id: code for ballot_id, *_listed, code, _mine, _presided, _recused in rows}


def open_rows(rows: list, tallies: dict[int, Tally]) -> list[OpenRow]:
    """Rows of workflow.committee.lists.open_page, with each ballot's tally."""
    # The rule has the id inside: url_for once, not once a row.
    before, _, after = url_for("committee.tally_json", ballot_id=0).rpartition("/0/")
    return [OpenRow(cells, tallies[cells.ballot_id], mine, presided, recused,
                    f"{before}/{cells.ballot_id}/{after}")
            for cells, (*_listed, _code, mine, presided, recused)
            in zip(_cells_of(rows), rows, strict=True)]


def stuck_rows(rows: list) -> list[StuckRow]:
    """Rows of LISTED, whether anyone may vote on it and whether anyone may close it."""
    return [StuckRow(cells, votable, presided)
            for cells, (*_listed, votable, presided) in zip(_cells_of(rows), rows, strict=True)]
