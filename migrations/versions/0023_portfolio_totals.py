"""Figures kept for the fund history chart and the portfolio: each fund's entries by day
and kind, the grants' and loans' money by organisation, investment country and fiscal
years, the persons trained by country and fiscal year, and the applications (and the
approved ones' yen) by organisation, investment country, round and fiscal year.

Written by hand. The rows are filled from the ledger, the accepted final reports and the
applications as they stand (a fiscal year runs from 1 April and is named by the year it starts), so they
match them from the release on.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 10:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

KINDS = ("donation", "commitment", "commitment_release", "disbursement", "refund_due",
         "refund", "repayment_principal", "repayment_interest", "write_off",
         "repayment_damages")
KIND_KNOWN = "kind IN (" + ", ".join(repr(k) for k in KINDS) + ")"

entries = sa.table('ledger_entries', sa.column('fund_id'), sa.column('kind'),
                   sa.column('booked_on', sa.Date), sa.column('amount_yen'),
                   sa.column('application_id'))
applications = sa.table('applications', sa.column('id'), sa.column('organisation_id'),
                        sa.column('kind'), sa.column('fiscal_year'), sa.column('round_id'),
                        sa.column('approved_yen'))
loans = sa.table('loan_details', sa.column('application_id'),
                 sa.column('investment_country'))
reports = sa.table('final_reports', sa.column('application_id'),
                   sa.column('accepted_at', sa.DateTime))
participants = sa.table('report_participants', sa.column('report_id'),
                        sa.column('country_code'), sa.column('participants'))


def _fiscal_year(column):
    return sa.extract('year', column) - sa.case((sa.extract('month', column) < 4, 1), else_=0)


def _sums(table):
    return [sa.Column('amount_yen', sa.BigInteger(), nullable=False),
            sa.Column('entries', sa.BigInteger(), nullable=False),
            sa.CheckConstraint(KIND_KNOWN, name=op.f(f'ck_{table}_kind_known')),
            sa.CheckConstraint('amount_yen >= 0 AND entries >= 0',
                               name=op.f(f'ck_{table}_not_negative'))]


def _fill(table, names, query):
    """The rows the query sums, its years and sums as integers (PostgreSQL's EXTRACT
    gives numerics)."""
    whole = [name.endswith(('year', 'yen', 'entries', 'applications', 'approved', 'persons',
                            'reports')) for name in names]
    rows = [{name: int(value) if is_whole else value
             for name, value, is_whole in zip(names, row, whole, strict=True)}
            for row in op.get_bind().execute(query)]
    if rows:
        op.bulk_insert(table, rows)


def upgrade():
    days = op.create_table(
        'fund_day_totals',
        sa.Column('fund_id', sa.Integer(), nullable=False),
        sa.Column('booked_on', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        *_sums('fund_day_totals'),
        sa.ForeignKeyConstraint(['fund_id'], ['funds.id'],
                                name=op.f('fk_fund_day_totals_fund_id_funds')),
        sa.PrimaryKeyConstraint('fund_id', 'booked_on', 'kind', name=op.f('pk_fund_day_totals')),
    )
    portfolio = op.create_table(
        'portfolio_totals',
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('application_kind', sa.String(length=10), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('investment_country', sa.String(length=2), nullable=False),
        sa.Column('application_year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('booked_year', sa.Integer(), autoincrement=False, nullable=False),
        *_sums('portfolio_totals'),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_portfolio_totals_organisation_id_organisations')),
        sa.PrimaryKeyConstraint('kind', 'application_kind', 'organisation_id',
                                'investment_country', 'application_year', 'booked_year',
                                name=op.f('pk_portfolio_totals')),
    )
    trained = op.create_table(
        'trained_totals',
        sa.Column('country_code', sa.String(length=2), nullable=False),
        sa.Column('fiscal_year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('persons', sa.BigInteger(), nullable=False),
        sa.Column('reports', sa.BigInteger(), nullable=False),
        sa.CheckConstraint('persons >= 0 AND reports >= 0',
                           name=op.f('ck_trained_totals_not_negative')),
        sa.PrimaryKeyConstraint('country_code', 'fiscal_year', name=op.f('pk_trained_totals')),
    )

    counted = op.create_table(
        'application_totals',
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('investment_country', sa.String(length=2), nullable=False),
        sa.Column('round_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('fiscal_year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('applications', sa.BigInteger(), nullable=False),
        sa.Column('approved', sa.BigInteger(), nullable=False),
        sa.Column('approved_yen', sa.BigInteger(), nullable=False),
        sa.CheckConstraint('applications >= 0 AND approved >= 0 AND approved_yen >= 0',
                           name=op.f('ck_application_totals_not_negative')),
        sa.ForeignKeyConstraint(
            ['organisation_id'], ['organisations.id'],
            name=op.f('fk_application_totals_organisation_id_organisations')),
        sa.PrimaryKeyConstraint('kind', 'organisation_id', 'investment_country', 'round_id',
                                'fiscal_year', name=op.f('pk_application_totals')),
    )

    _fill(days, ('fund_id', 'booked_on', 'kind', 'amount_yen', 'entries'), sa.select(
        entries.c.fund_id, entries.c.booked_on, entries.c.kind,
        sa.func.sum(entries.c.amount_yen), sa.func.count())
        .group_by(entries.c.fund_id, entries.c.booked_on, entries.c.kind))
    country = sa.func.coalesce(loans.c.investment_country, '')
    booked_year = _fiscal_year(entries.c.booked_on)
    _fill(portfolio, ('organisation_id', 'application_kind', 'investment_country',
                      'application_year', 'booked_year', 'kind', 'amount_yen', 'entries'),
          sa.select(applications.c.organisation_id, applications.c.kind, country,
                    applications.c.fiscal_year, booked_year, entries.c.kind,
                    sa.func.sum(entries.c.amount_yen), sa.func.count())
          .select_from(entries.join(applications, applications.c.id == entries.c.application_id)
                       .outerjoin(loans, loans.c.application_id == applications.c.id))
          .group_by(applications.c.organisation_id, applications.c.kind, country,
                    applications.c.fiscal_year, booked_year, entries.c.kind))
    accepted_year = _fiscal_year(reports.c.accepted_at)
    _fill(trained, ('country_code', 'fiscal_year', 'persons', 'reports'), sa.select(
        participants.c.country_code, accepted_year, sa.func.sum(participants.c.participants),
        sa.func.count())
        .select_from(participants.join(reports,
                                       reports.c.application_id == participants.c.report_id))
        .where(reports.c.accepted_at.is_not(None))
        .group_by(participants.c.country_code, accepted_year))


    loan_country = sa.case((applications.c.kind == 'loan', country), else_='')
    round_id = sa.func.coalesce(applications.c.round_id, 0)
    _fill(counted, ('organisation_id', 'kind', 'investment_country', 'round_id', 'fiscal_year',
                    'applications', 'approved', 'approved_yen'), sa.select(
        applications.c.organisation_id, applications.c.kind, loan_country, round_id,
        applications.c.fiscal_year, sa.func.count(), sa.func.count(applications.c.approved_yen),
        sa.func.coalesce(sa.func.sum(applications.c.approved_yen), 0))
        .select_from(applications.outerjoin(loans, loans.c.application_id == applications.c.id))
        .group_by(applications.c.organisation_id, applications.c.kind, loan_country, round_id,
                  applications.c.fiscal_year))


def downgrade():
    op.drop_table('application_totals')
    op.drop_table('trained_totals')
    op.drop_table('portfolio_totals')
    op.drop_table('fund_day_totals')
