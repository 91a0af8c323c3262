"""The figures kept beside the ledger (models.kept_figures): each fund's entries by day (its
history chart), the grants' and loans' money by organisation, investment country and
fiscal years (the portfolio and the grants' world map), each round's entries by kind (the
rounds page), the persons trained by country
and fiscal year, the applications by organisation, round and fiscal year, the files by
kind and state, the grants by programme type and each file's money released and awaiting
release (the finance queue); the applications and disbursements by kind, country and fiscal
year, the applications by round and the grants' disbursements by country and fiscal year
booked, rolled up from those by organisation
(workflow.engine.kept_sums).

`ledger.post` adds each entry to its rows, `settle_grant` each accepted report and
workflow.files.application_totals each application written (workflow.engine.state_totals
its state, workflow.grants.programme_totals its programme) and
workflow.money.release_totals each tranche and cancellation, in their own transactions,
so the pages read a few rows however long the books grow.
`differences` holds every kept row, and the funds' totals (workflow.money.fund_totals),
to an independent sum of the rows they come from (`flask audit verify --full`, the audit
page's full job, the tests); `rebuild` sums them all afresh, for a writer that fills the
ledger in bulk (the scale demo).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    and_,
    case,
    delete,
    extract,
    func,
    insert,
    literal,
    select,
    union_all,
)

from models import (
    Application,
    ApplicationTotal,
    CountryYearTotal,
    FinalReport,
    FundDayTotal,
    GrantCountryBookedTotal,
    GrantDetails,
    LedgerEntry,
    LoanDetails,
    Organisation,
    PortfolioTotal,
    ProgrammeTypeTotal,
    ReleaseTotal,
    ReportParticipant,
    RoundApplicationTotal,
    RoundTotal,
    StateTotal,
    TrainedTotal,
    Tranche,
    UndrawnCancellation,
    db,
)
from workflow.engine.fiscal import fiscal_year
from workflow.engine.kept import FIGURE_TABLES, catalogue_changed, figures_changed
from workflow.engine.kept_sums import add_to
from workflow.engine.locking import lock_chain

from . import fund_totals

_DAYS, _PORTFOLIO, _ROUNDS, _TRAINED, _APPLICATIONS, _STATES, _PROGRAMMES, _RELEASES = (
    FundDayTotal.__table__, PortfolioTotal.__table__, RoundTotal.__table__,
    TrainedTotal.__table__, ApplicationTotal.__table__, StateTotal.__table__,
    ProgrammeTypeTotal.__table__, ReleaseTotal.__table__)
_COUNTRY_YEARS, _ROUND_APPLICATIONS, _GRANTS_BOOKED = (
    CountryYearTotal.__table__, RoundApplicationTotal.__table__,
    GrantCountryBookedTotal.__table__)
_KEYS = {_DAYS: ("fund_id", "booked_on", "kind"),
         _PORTFOLIO: ("organisation_id", "application_kind", "investment_country",
                      "application_year", "booked_year", "kind"),
         _ROUNDS: ("round_id", "kind"),
         _TRAINED: ("country_code", "fiscal_year"),
         _APPLICATIONS: ("organisation_id", "kind", "investment_country", "round_id",
                         "fiscal_year"),
         _STATES: ("kind", "state"),
         _PROGRAMMES: ("programme_type",),
         _RELEASES: ("application_id",),
         _COUNTRY_YEARS: ("kind", "country_code", "fiscal_year"),
         _ROUND_APPLICATIONS: ("round_id",),
         _GRANTS_BOOKED: ("country_code", "booked_year")}
_SUMS = {_DAYS: ("amount_yen", "entries"), _PORTFOLIO: ("amount_yen", "entries"),
         _ROUNDS: ("amount_yen", "entries"),
         _TRAINED: ("persons", "reports"),
         _APPLICATIONS: ("applications", "approved", "approved_yen"),
         _STATES: ("applications",), _PROGRAMMES: ("grants",),
         _RELEASES: ("released_yen", "pending_yen", "cancelled_yen"),
         _COUNTRY_YEARS: ("applications", "approved", "approved_yen", "disbursed_yen",
                          "disbursements"),
         _ROUND_APPLICATIONS: ("applications", "approved", "approved_yen"),
         _GRANTS_BOOKED: ("disbursed_yen", "disbursements")}

DIFFERS = "The kept {table} row {key} holds {kept}; its sources sum to {summed}."
MATCHED = ("the kept figures of the fund histories, the portfolio, the rounds and the finance "
           "queue match their sources")


def investment_country(application: Application) -> str:
    """Where a loan's money goes ('': a grant's, or a loan naming none — its company's)."""
    loan = application.loan if application.kind == "loan" else None
    return (loan.investment_country or "") if loan is not None else ""


def entry_booked(conn, fund_id: int, kind: str, booked_on: date, amount_yen: int,
                 application: Application | None) -> None:
    """Count one ledger entry in the kept figures (inside the booking's transaction)."""
    add_to(conn, _DAYS, {"fund_id": fund_id, "booked_on": booked_on, "kind": kind},
           {"amount_yen": amount_yen, "entries": 1})
    if application is not None:
        add_to(conn, _PORTFOLIO, {
            "organisation_id": application.organisation_id,
            "application_kind": application.kind,
            "investment_country": investment_country(application),
            "application_year": application.fiscal_year,
            "booked_year": fiscal_year(booked_on), "kind": kind},
            {"amount_yen": amount_yen, "entries": 1})
        if application.round_id is not None:
            add_to(conn, _ROUNDS, {"round_id": application.round_id, "kind": kind},
                   {"amount_yen": amount_yen, "entries": 1})


def report_accepted(conn, accepted_at: datetime, participants: Iterable[tuple[str, int]]
                    ) -> None:
    """Count an accepted final report's participants (inside the acceptance's transaction),
    the audit chain's lock taken first, as every writer of a kept row takes it."""
    lock_chain(conn)
    year = fiscal_year(accepted_at.date())
    for country, persons in participants:
        add_to(conn, _TRAINED, {"country_code": country, "fiscal_year": year},
               {"persons": persons, "reports": 1})


# -- the independent sums ---------------------------------------------------------------

def _fiscal_year_of(column):
    """SQL for the fiscal year of a date or a time: its year, less one before April."""
    return extract("year", column) - case((extract("month", column) < 4, 1), else_=0)


_ENTRY = LedgerEntry.__table__


def _summed_days():
    return (select(_ENTRY.c.fund_id, _ENTRY.c.booked_on, _ENTRY.c.kind,
                   func.sum(_ENTRY.c.amount_yen), func.count())
            .group_by(_ENTRY.c.fund_id, _ENTRY.c.booked_on, _ENTRY.c.kind))


def _summed_portfolio():
    country = func.coalesce(LoanDetails.investment_country, "")
    booked_year = _fiscal_year_of(_ENTRY.c.booked_on)
    return (select(Application.organisation_id, Application.kind, country,
                   Application.fiscal_year, booked_year, _ENTRY.c.kind,
                   func.sum(_ENTRY.c.amount_yen), func.count())
            .select_from(_ENTRY)
            .join(Application, Application.id == _ENTRY.c.application_id)
            .outerjoin(LoanDetails, LoanDetails.application_id == Application.id)
            .group_by(Application.organisation_id, Application.kind, country,
                      Application.fiscal_year, booked_year, _ENTRY.c.kind))


def _summed_rounds():
    return (select(Application.round_id, _ENTRY.c.kind, func.sum(_ENTRY.c.amount_yen),
                   func.count())
            .select_from(_ENTRY)
            .join(Application, Application.id == _ENTRY.c.application_id)
            .where(Application.round_id.is_not(None))
            .group_by(Application.round_id, _ENTRY.c.kind))


def _summed_trained():
    year = _fiscal_year_of(FinalReport.accepted_at)
    return (select(ReportParticipant.country_code, year,
                   func.sum(ReportParticipant.participants), func.count())
            .join(FinalReport, FinalReport.application_id == ReportParticipant.report_id)
            .where(FinalReport.accepted_at.is_not(None))
            .group_by(ReportParticipant.country_code, year))


def _summed_applications():
    country = case((Application.kind == "loan",
                    func.coalesce(LoanDetails.investment_country, "")), else_="")
    round_id = func.coalesce(Application.round_id, 0)
    return (select(Application.organisation_id, Application.kind, country, round_id,
                   Application.fiscal_year, func.count(), func.count(Application.approved_yen),
                   func.coalesce(func.sum(Application.approved_yen), 0))
            .outerjoin(LoanDetails, LoanDetails.application_id == Application.id)
            .group_by(Application.organisation_id, Application.kind, country, round_id,
                      Application.fiscal_year))


def _summed_states():
    return (select(Application.kind, Application.state, func.count())
            .group_by(Application.kind, Application.state))


def _summed_programmes():
    return (select(GrantDetails.programme_type, func.count())
            .where(GrantDetails.programme_type.is_not(None))
            .group_by(GrantDetails.programme_type))


def _summed_releases():
    """Each file's tranches released and requested and its confirmed cancellations, summed
    from the rows themselves (those of a file with neither are all zero)."""
    def yen_when(column, state):
        return func.sum(case((column.state == state, column.amount_yen), else_=0))

    zero = literal(0, BigInteger)
    from_tranches = (select(Tranche.application_id.label("application_id"),
                            yen_when(Tranche, "released").label("released"),
                            yen_when(Tranche, "requested").label("pending"),
                            zero.label("cancelled"))
                     .group_by(Tranche.application_id))
    from_cancellations = (select(UndrawnCancellation.application_id, zero, zero,
                                 yen_when(UndrawnCancellation, "confirmed"))
                          .group_by(UndrawnCancellation.application_id))
    both = union_all(from_tranches, from_cancellations).subquery()
    return (select(both.c.application_id, func.sum(both.c.released), func.sum(both.c.pending),
                   func.sum(both.c.cancelled))
            .group_by(both.c.application_id))


def _summed_country_years():
    """The applications and the disbursements booked to them by kind, the country the
    portfolio places them in (a loan's investment country, else its organisation's) and the
    applications' fiscal year."""
    placed = case((and_(Application.kind == "loan",
                        func.coalesce(LoanDetails.investment_country, "") != ""),
                   LoanDetails.investment_country), else_=Organisation.country_code)
    zero = literal(0, BigInteger)

    def placed_files(*columns):
        return (select(Application.kind.label("kind"), placed.label("country"),
                       Application.fiscal_year.label("year"), *columns)
                .join(Organisation, Organisation.id == Application.organisation_id)
                .outerjoin(LoanDetails, LoanDetails.application_id == Application.id))

    files = placed_files(func.count().label("applications"),
                         func.count(Application.approved_yen).label("approved"),
                         func.coalesce(func.sum(Application.approved_yen), 0).label("yen"),
                         zero.label("disbursed"), zero.label("disbursements")).group_by(
        Application.kind, placed, Application.fiscal_year)
    disbursed = (placed_files(zero, zero, zero, func.sum(_ENTRY.c.amount_yen), func.count())
                 .join(_ENTRY, _ENTRY.c.application_id == Application.id)
                 .where(_ENTRY.c.kind == "disbursement")
                 .group_by(Application.kind, placed, Application.fiscal_year))
    both = union_all(files, disbursed).subquery()
    return (select(both.c.kind, both.c.country, both.c.year, func.sum(both.c.applications),
                   func.sum(both.c.approved), func.sum(both.c.yen), func.sum(both.c.disbursed),
                   func.sum(both.c.disbursements))
            .group_by(both.c.kind, both.c.country, both.c.year))


def _summed_round_applications():
    round_id = func.coalesce(Application.round_id, 0)
    return (select(round_id, func.count(), func.count(Application.approved_yen),
                   func.coalesce(func.sum(Application.approved_yen), 0))
            .group_by(round_id))


def _summed_grants_booked():
    booked_year = _fiscal_year_of(_ENTRY.c.booked_on)
    return (select(Organisation.country_code, booked_year, func.sum(_ENTRY.c.amount_yen),
                   func.count())
            .select_from(_ENTRY)
            .join(Application, Application.id == _ENTRY.c.application_id)
            .join(Organisation, Organisation.id == Application.organisation_id)
            .where(_ENTRY.c.kind == "disbursement", Application.kind == "grant")
            .group_by(Organisation.country_code, booked_year))


_SUMMED = {_DAYS: _summed_days, _PORTFOLIO: _summed_portfolio, _ROUNDS: _summed_rounds,
           _TRAINED: _summed_trained, _APPLICATIONS: _summed_applications,
           _STATES: _summed_states, _PROGRAMMES: _summed_programmes,
           _RELEASES: _summed_releases, _COUNTRY_YEARS: _summed_country_years,
           _ROUND_APPLICATIONS: _summed_round_applications,
           _GRANTS_BOOKED: _summed_grants_booked}


def _as_key(value):
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":  # a raw SQLite date
        return date.fromisoformat(value)
    return int(value) if isinstance(value, (float, Decimal)) else value  # a year


def summed(conn, table) -> dict[tuple, tuple[int, int]]:
    """The table's rows as its sources sum them: key → sums."""
    width = len(_KEYS[table])
    return {tuple(_as_key(v) for v in row[:width]): tuple(int(v) for v in row[width:])
            for row in conn.execute(_SUMMED[table]())}


def kept(conn, table) -> dict[tuple, tuple[int, int]]:
    columns = [table.c[name] for name in (*_KEYS[table], *_SUMS[table])]
    width = len(_KEYS[table])
    return {tuple(row[:width]): tuple(int(v) for v in row[width:])
            for row in conn.execute(select(*columns))}


def differences(connection=None) -> list[str]:
    """Each kept figure (the funds' totals too) that is not the sum of its sources, in
    words; empty when all match."""
    conn = connection if connection is not None else db.session.connection()
    said = fund_totals.differences(conn)
    for table in _SUMMED:
        held, sums = kept(conn, table), summed(conn, table)
        zero = (0,) * len(_SUMS[table])
        for key in sorted(set(held) | set(sums), key=str):
            if held.get(key, zero) != sums.get(key, zero):
                said.append(DIFFERS.format(
                    table=table.name, key=dict(zip(_KEYS[table], key, strict=True)),
                    kept=held.get(key, zero), summed=sums.get(key, zero)))
    return said


def rebuild(connection=None) -> None:
    """Sum every kept figure (the funds' totals too) afresh from its sources, after a bulk
    writer filled them."""
    conn = connection if connection is not None else db.session.connection()
    catalogue_changed(conn)  # the figures the workers keep of these are read afresh
    for name in sorted(FIGURE_TABLES):  # under the chain's lock, in one order
        figures_changed(name, conn)
    fund_totals.rebuild(conn)
    for table in _SUMMED:
        rows = summed(conn, table)
        conn.execute(delete(table))
        names = (*_KEYS[table], *_SUMS[table])
        if rows:
            conn.execute(insert(table), [dict(zip(names, (*key, *sums), strict=True))
                                         for key, sums in sorted(rows.items(), key=str)])
