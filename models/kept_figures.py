"""Figures kept with the rows that change them (migration 0022), so that the fund history
chart, the portfolio and the rounds page (round_totals, migration 0025) read a few rows
whatever the length of the ledger; the portfolio's files by state and grants by programme
type (state_totals, programme_type_totals, migration 0027) whatever the number of files;
each file's money released and awaiting release (release_totals, migration 0028), so that
the finance queue finds what is left to release without summing every tranche.

Each holds sums of the ledger, of accepted final reports or of the applications, added to
in the transaction of every entry by workflow.money.ledger.post, of every report by
workflow.grants.reports.settle_grant, of every application written by
workflow.files.application_totals, of every state moved by workflow.engine.state_totals
(and the service's transitions), of every programme type by
workflow.grants.programme_totals, of every tranche and cancellation of a loan's undrawn
part by workflow.money.release_totals; workflow.money.kept_figures holds each to an
independent sum.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import db, in_list
from .ledger import LEDGER_KINDS


class FundDayTotal(db.Model):
    """A fund's entries of one kind booked on one day: the fund's history chart."""

    __tablename__ = "fund_day_totals"
    __table_args__ = (
        CheckConstraint(in_list("kind", LEDGER_KINDS), name="kind_known"),
        CheckConstraint("amount_yen >= 0 AND entries >= 0", name="not_negative"),
    )

    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), primary_key=True)
    booked_on: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    amount_yen: Mapped[int] = mapped_column(BigInteger, default=0)
    entries: Mapped[int] = mapped_column(BigInteger, default=0)


class PortfolioTotal(db.Model):
    """The entries of one kind booked to the grants (or loans) of one organisation, by the
    loans' investment country ('' for grants), the applications' fiscal year and the
    fiscal year booked: the portfolio's money by country and the grants' world map.

    Keyed by the organisation rather than its country, so that a country corrected on the
    organisation's record moves its figures with it, as the sum of the ledger would; a loan
    moved to another investment country takes its sums along (workflow.money.moved_files)."""

    __tablename__ = "portfolio_totals"
    __table_args__ = (
        CheckConstraint(in_list("kind", LEDGER_KINDS), name="kind_known"),
        CheckConstraint("amount_yen >= 0 AND entries >= 0", name="not_negative"),
    )

    # The key's leading columns are what the pages choose by: the disbursements of grants.
    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    application_kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"),
                                                 primary_key=True)
    investment_country: Mapped[str] = mapped_column(String(2), primary_key=True)
    application_year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    booked_year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    amount_yen: Mapped[int] = mapped_column(BigInteger, default=0)
    entries: Mapped[int] = mapped_column(BigInteger, default=0)


class TrainedTotal(db.Model):
    """Persons trained, by their country and the fiscal year their final report was
    accepted in (its UTC date, as the map has always counted it)."""

    __tablename__ = "trained_totals"
    __table_args__ = (
        CheckConstraint("persons >= 0 AND reports >= 0", name="not_negative"),
    )

    country_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    persons: Mapped[int] = mapped_column(BigInteger, default=0)
    reports: Mapped[int] = mapped_column(BigInteger, default=0)


class ApplicationTotal(db.Model):
    """The applications of one organisation, kind, investment country ('' for grants and a
    loan naming none), round (0: none) and fiscal year, and those approved with their
    approved yen: the portfolio's figures by round and by country, kept by
    workflow.files.application_totals as each application is written."""

    __tablename__ = "application_totals"
    __table_args__ = (
        CheckConstraint("applications >= 0 AND approved >= 0 AND approved_yen >= 0",
                        name="not_negative"),
    )

    kind: Mapped[str] = mapped_column(String(10), primary_key=True)  # first: chosen by
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"),
                                                 primary_key=True)
    investment_country: Mapped[str] = mapped_column(String(2), primary_key=True)
    round_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    fiscal_year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    applications: Mapped[int] = mapped_column(BigInteger, default=0)
    approved: Mapped[int] = mapped_column(BigInteger, default=0)
    approved_yen: Mapped[int] = mapped_column(BigInteger, default=0)


class RoundTotal(db.Model):
    """The entries of one kind booked to the applications of one round: the rounds page's
    approved and disbursed figures. An application moved to another round takes its
    entries' sums with it (workflow.money.moved_files)."""

    __tablename__ = "round_totals"
    __table_args__ = (
        CheckConstraint(in_list("kind", LEDGER_KINDS), name="kind_known"),
        CheckConstraint("amount_yen >= 0 AND entries >= 0", name="not_negative"),
    )

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    amount_yen: Mapped[int] = mapped_column(BigInteger, default=0)
    entries: Mapped[int] = mapped_column(BigInteger, default=0)


class StateTotal(db.Model):
    """The applications of one kind in one state: the portfolio's files by state and its
    loan book, kept by workflow.engine.state_totals as each file is made, moved or removed."""

    __tablename__ = "state_totals"
    __table_args__ = (
        CheckConstraint("applications >= 0", name="not_negative"),
    )

    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    state: Mapped[str] = mapped_column(String(32), primary_key=True)
    applications: Mapped[int] = mapped_column(BigInteger, default=0)


class ProgrammeTypeTotal(db.Model):
    """The grants of one programme type (those naming none are not counted): the
    portfolio's grants by programme, kept by workflow.grants.programme_totals."""

    __tablename__ = "programme_type_totals"
    __table_args__ = (
        CheckConstraint("grants >= 0", name="not_negative"),
    )

    programme_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    grants: Mapped[int] = mapped_column(BigInteger, default=0)


class ReleaseTotal(db.Model):
    """One file's tranches released and awaiting authorisation, and the undrawn part of a
    loan cancelled: its approved yen less these is what is left to release. The finance
    queue reads this row by the file's key instead of summing the file's tranches; kept by
    workflow.money.release_totals as each tranche or cancellation is written."""

    __tablename__ = "release_totals"
    __table_args__ = (
        CheckConstraint("released_yen >= 0 AND pending_yen >= 0 AND cancelled_yen >= 0",
                        name="not_negative"),
    )

    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"),
                                                primary_key=True, autoincrement=False)
    released_yen: Mapped[int] = mapped_column(BigInteger, default=0)
    pending_yen: Mapped[int] = mapped_column(BigInteger, default=0)  # awaiting authorisation
    cancelled_yen: Mapped[int] = mapped_column(BigInteger, default=0)  # confirmed cancellations


class CountryYearTotal(db.Model):
    """The applications of one kind placed in one country (a loan's investment country, else
    its organisation's) and fiscal year, those approved with their approved yen, and the yen
    disbursed to them: the portfolio's figures by country and year, a few hundred rows.
    Rolled up from application_totals and the disbursements of portfolio_totals in the
    statement that adds to those (workflow.engine.kept_sums); an organisation whose country
    is corrected takes its rows along (workflow.money.moved_files)."""

    __tablename__ = "country_year_totals"
    __table_args__ = (
        CheckConstraint("applications >= 0 AND approved >= 0 AND approved_yen >= 0 "
                        "AND disbursed_yen >= 0 AND disbursements >= 0", name="not_negative"),
    )

    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    country_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    applications: Mapped[int] = mapped_column(BigInteger, default=0)
    approved: Mapped[int] = mapped_column(BigInteger, default=0)
    approved_yen: Mapped[int] = mapped_column(BigInteger, default=0)
    disbursed_yen: Mapped[int] = mapped_column(BigInteger, default=0)
    disbursements: Mapped[int] = mapped_column(BigInteger, default=0)


class RoundApplicationTotal(db.Model):
    """The applications of one round (0: none), those approved and their approved yen: the
    portfolio's figures by round, rolled up from application_totals as CountryYearTotal is."""

    __tablename__ = "round_application_totals"
    __table_args__ = (
        CheckConstraint("applications >= 0 AND approved >= 0 AND approved_yen >= 0",
                        name="not_negative"),
    )

    round_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    applications: Mapped[int] = mapped_column(BigInteger, default=0)
    approved: Mapped[int] = mapped_column(BigInteger, default=0)
    approved_yen: Mapped[int] = mapped_column(BigInteger, default=0)


class GrantCountryBookedTotal(db.Model):
    """The yen disbursed to grants by their society's country and the fiscal year booked:
    the grants' world map, rolled up from portfolio_totals as CountryYearTotal is."""

    __tablename__ = "grant_country_booked_totals"
    __table_args__ = (
        CheckConstraint("disbursed_yen >= 0 AND disbursements >= 0", name="not_negative"),
    )

    country_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    booked_year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    disbursed_yen: Mapped[int] = mapped_column(BigInteger, default=0)
    disbursements: Mapped[int] = mapped_column(BigInteger, default=0)
