"""A file's kept entries follow the file: an application moved to another round
(models.RoundTotal), or a loan to another investment country (models.PortfolioTotal), takes
the sums of its entries out of the rows it leaves and into the ones it joins, in the flush
that moves it. The finance officer's portfolio places a loan's approved money (the kept
counts of workflow.files.application_totals) by its investment country as the file names it
now, so its booked money goes there too, and the independent sum that `flask audit verify
--full` holds the kept rows to groups the ledger the same way
(workflow.money.kept_figures.differences).

Those columns are written through the ORM only (a draft's edit, a correction), so a hook
after each flush sees every move; workflow.money.kept_figures.entry_booked counts each new
entry where its file is when it is booked.

An organisation whose country is corrected takes the portfolio's rows by country and year
(models.CountryYearTotal, GrantCountryBookedTotal) of its files placed by its country
(grants, and loans naming no investment country) from the country it leaves to the new one,
as summed from its rows of application_totals and portfolio_totals, which are keyed by the
organisation.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import event, func, inspect, select
from sqlalchemy.orm import Session

from models import (
    Application,
    ApplicationTotal,
    CountryYearTotal,
    GrantCountryBookedTotal,
    LedgerEntry,
    LoanDetails,
    Organisation,
    PortfolioTotal,
    RoundTotal,
)
from workflow.engine.fiscal import fiscal_year
from workflow.engine.kept_sums import add_to, before_flush
from workflow.engine.locking import lock_chain

_ROUNDS, _PORTFOLIO = RoundTotal.__table__, PortfolioTotal.__table__


@dataclass
class _Move:
    """Where one application's entries were counted before this flush, and are now."""

    application: Application
    round_was: int | None = None
    round_now: int | None = None
    country_was: str | None = None  # None: its country did not move
    country_now: str | None = None


def _moves(session: Session) -> list[_Move]:
    moves: dict[int, _Move] = {}
    for obj in session.dirty:
        if (isinstance(obj, Application)
                and inspect(obj).attrs["round_id"].history.has_changes()
                and (was := before_flush(obj, "round_id")) != obj.round_id):
            move = moves.setdefault(id(obj), _Move(obj))
            move.round_was, move.round_now = was, obj.round_id
    for obj in (*session.new, *session.dirty, *session.deleted):
        if not isinstance(obj, LoanDetails) or (
                obj in session.dirty
                and not inspect(obj).attrs["investment_country"].history.has_changes()):
            continue
        # As kept_figures.investment_country counted it: '' for a loan naming none.
        was = "" if obj in session.new else before_flush(obj, "investment_country") or ""
        now = "" if obj in session.deleted else obj.investment_country or ""
        if was == now:
            continue
        # A row just made by its key alone has no relationship loaded yet.
        app = obj.application or session.get(Application, obj.application_id)
        if app is not None and app not in session.new and app.kind == "loan":
            move = moves.setdefault(id(app), _Move(app))  # a new file has no entries yet
            move.country_was, move.country_now = was, now
    return list(moves.values())


def _entries(conn, move: _Move, booked_now: list[int]) -> dict[tuple, list[int]]:
    """The moved file's entries, as the rows of each kept table they were counted in:
    (table, the key but for where the file is) → [yen, entries]."""
    app, sums = move.application, {}
    for kind, booked_on, amount_yen, entries in conn.execute(
            select(LedgerEntry.kind, LedgerEntry.booked_on,
                   func.sum(LedgerEntry.amount_yen), func.count())
            .where(LedgerEntry.application_id == app.id, LedgerEntry.id.not_in(booked_now))
            .group_by(LedgerEntry.kind, LedgerEntry.booked_on)):
        keys = []
        if move.round_was != move.round_now:
            keys.append((_ROUNDS, (("kind", kind),)))
        if move.country_was is not None:
            keys.append((_PORTFOLIO, (
                ("organisation_id", app.organisation_id), ("application_kind", app.kind),
                ("application_year", app.fiscal_year),
                ("booked_year", fiscal_year(booked_on)), ("kind", kind))))
        for key in keys:
            row = sums.setdefault(key, [0, 0])
            row[0] += int(amount_yen)
            row[1] += int(entries)
    return sums


@event.listens_for(Session, "after_flush")
def _move_the_entries_of_moved_files(session: Session, _context) -> None:
    moves = _moves(session)
    if not moves:
        return
    # Entries this flush wrote are counted afterwards, by their booking, where the file
    # now is.
    booked_now = [obj.id for obj in session.new if isinstance(obj, LedgerEntry)]
    conn = lock_chain(session.connection())  # the chain before a kept row, in every writer
    with session.no_autoflush:
        for move in moves:
            places = {_ROUNDS: ("round_id", move.round_was, move.round_now),
                      _PORTFOLIO: ("investment_country", move.country_was, move.country_now)}
            for (table, key), (amount_yen, entries) in _entries(conn, move, booked_now).items():
                column, was, now = places[table]
                for place, sign in ((was, -1), (now, +1)):
                    if place is not None:
                        add_to(conn, table, {**dict(key), column: place},
                               {"amount_yen": sign * amount_yen, "entries": sign * entries})


_COUNTRY_YEARS, _GRANTS_BOOKED = CountryYearTotal.__table__, GrantCountryBookedTotal.__table__


def _placed_by_country(conn, organisation_id: int) -> dict[tuple[str, int], dict[str, int]]:
    """The organisation's figures placed by its own country: (kind, fiscal year) → the sums
    of its rows of country_year_totals, read from the rows they are rolled up from."""
    found: dict[tuple[str, int], dict[str, int]] = {}
    for kind, year, applications, approved, approved_yen in conn.execute(
            select(ApplicationTotal.kind, ApplicationTotal.fiscal_year,
                   func.sum(ApplicationTotal.applications), func.sum(ApplicationTotal.approved),
                   func.sum(ApplicationTotal.approved_yen))
            .where(ApplicationTotal.organisation_id == organisation_id,
                   ApplicationTotal.investment_country == "")
            .group_by(ApplicationTotal.kind, ApplicationTotal.fiscal_year)):
        found.setdefault((kind, year), {}).update(
            applications=int(applications), approved=int(approved),
            approved_yen=int(approved_yen))
    for kind, year, yen, entries in conn.execute(
            select(PortfolioTotal.application_kind, PortfolioTotal.application_year,
                   func.sum(PortfolioTotal.amount_yen), func.sum(PortfolioTotal.entries))
            .where(PortfolioTotal.organisation_id == organisation_id,
                   PortfolioTotal.investment_country == "",
                   PortfolioTotal.kind == "disbursement")
            .group_by(PortfolioTotal.application_kind, PortfolioTotal.application_year)):
        found.setdefault((kind, year), {}).update(disbursed_yen=int(yen),
                                                  disbursements=int(entries))
    return {key: sums for key, sums in found.items() if any(sums.values())}


def _grants_booked(conn, organisation_id: int) -> dict[int, dict[str, int]]:
    """The organisation's grants' disbursements by the fiscal year booked: booked year →
    its sums of grant_country_booked_totals."""
    return {int(year): {"disbursed_yen": int(yen), "disbursements": int(entries)}
            for year, yen, entries in conn.execute(
                select(PortfolioTotal.booked_year, func.sum(PortfolioTotal.amount_yen),
                       func.sum(PortfolioTotal.entries))
                .where(PortfolioTotal.organisation_id == organisation_id,
                       PortfolioTotal.application_kind == "grant",
                       PortfolioTotal.kind == "disbursement")
                .group_by(PortfolioTotal.booked_year)) if entries}


@event.listens_for(Session, "before_flush")
def _move_the_figures_of_moved_organisations(session: Session, _context, _instances) -> None:
    """Before the flush: the rows by organisation hold what was counted before it, under
    the country the organisation leaves; what this flush counts (after it) is placed by
    the country the database then holds, the new one."""
    moved = [(org.id, was, org.country_code) for org in session.dirty
             if isinstance(org, Organisation)
             and inspect(org).attrs["country_code"].history.has_changes()
             and (was := before_flush(org, "country_code")) != org.country_code
             and was is not None]
    if not moved:
        return
    conn = lock_chain(session.connection())  # the chain before a kept row, in every writer
    for organisation_id, was, now in moved:
        rows = [(_COUNTRY_YEARS, {"kind": kind, "fiscal_year": year}, sums)
                for (kind, year), sums in _placed_by_country(conn, organisation_id).items()]
        rows += [(_GRANTS_BOOKED, {"booked_year": year}, sums)
                 for year, sums in _grants_booked(conn, organisation_id).items()]
        for table, key, sums in rows:
            for country, sign in ((was, -1), (now, +1)):
                add_to(conn, table, {**key, "country_code": country},
                       {name: sign * value for name, value in sums.items()})
