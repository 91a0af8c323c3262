"""The portfolio's figures by kind, country and fiscal year, and by round, and the grants'
disbursements by country and fiscal year booked (the map), kept rolled up
from the rows kept by organisation (application_totals, portfolio_totals), so that the
portfolio with nothing kept reads a few hundred rows instead of grouping tens of
thousands.

Written by hand. The rows are filled from the kept rows they roll up, as they stand (the
organisations' countries of now), so they match them from the release on.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07 23:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None

_SUMS = ('applications', 'approved', 'approved_yen')


def upgrade():
    country_years = op.create_table(
        'country_year_totals',
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('country_code', sa.String(length=2), nullable=False),
        sa.Column('fiscal_year', sa.Integer(), nullable=False),
        *(sa.Column(name, sa.BigInteger(), nullable=False)
          for name in (*_SUMS, 'disbursed_yen', 'disbursements')),
        sa.CheckConstraint('applications >= 0 AND approved >= 0 AND approved_yen >= 0 '
                           'AND disbursed_yen >= 0 AND disbursements >= 0',
                           name=op.f('ck_country_year_totals_not_negative')),
        sa.PrimaryKeyConstraint('kind', 'country_code', 'fiscal_year',
                                name=op.f('pk_country_year_totals')),
    )
    rounds = op.create_table(
        'round_application_totals',
        sa.Column('round_id', sa.Integer(), autoincrement=False, nullable=False),
        *(sa.Column(name, sa.BigInteger(), nullable=False) for name in _SUMS),
        sa.CheckConstraint('applications >= 0 AND approved >= 0 AND approved_yen >= 0',
                           name=op.f('ck_round_application_totals_not_negative')),
        sa.PrimaryKeyConstraint('round_id', name=op.f('pk_round_application_totals')),
    )
    bind = op.get_bind()
    placed = ("CASE WHEN t.investment_country <> '' THEN t.investment_country "
              "ELSE o.country_code END")
    found: dict[tuple, list[int]] = {}
    for kind, country, year, n, approved, yen in bind.execute(sa.text(
            f"SELECT t.kind, {placed}, t.fiscal_year, sum(t.applications), sum(t.approved), "
            "sum(t.approved_yen) FROM application_totals t "
            "JOIN organisations o ON o.id = t.organisation_id "
            f"GROUP BY t.kind, {placed}, t.fiscal_year")):
        found.setdefault((kind, country, int(year)), [0] * 5)[:3] = [int(n), int(approved),
                                                                      int(yen)]
    for kind, country, year, yen, entries in bind.execute(sa.text(
            f"SELECT t.application_kind, {placed}, t.application_year, sum(t.amount_yen), "
            "sum(t.entries) FROM portfolio_totals t "
            "JOIN organisations o ON o.id = t.organisation_id WHERE t.kind = 'disbursement' "
            f"GROUP BY t.application_kind, {placed}, t.application_year")):
        found.setdefault((kind, country, int(year)), [0] * 5)[3:] = [int(yen), int(entries)]
    names = ('kind', 'country_code', 'fiscal_year', *_SUMS, 'disbursed_yen', 'disbursements')
    rows = [dict(zip(names, (*key, *sums))) for key, sums in sorted(found.items())]
    if rows:
        op.bulk_insert(country_years, rows)
    rows = [{'round_id': int(round_id), 'applications': int(n), 'approved': int(approved),
             'approved_yen': int(yen)}
            for round_id, n, approved, yen in bind.execute(sa.text(
                "SELECT round_id, sum(applications), sum(approved), sum(approved_yen) "
                "FROM application_totals GROUP BY round_id"))]
    if rows:
        op.bulk_insert(rounds, rows)
    booked = op.create_table(
        'grant_country_booked_totals',
        sa.Column('country_code', sa.String(length=2), nullable=False),
        sa.Column('booked_year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('disbursed_yen', sa.BigInteger(), nullable=False),
        sa.Column('disbursements', sa.BigInteger(), nullable=False),
        sa.CheckConstraint('disbursed_yen >= 0 AND disbursements >= 0',
                           name=op.f('ck_grant_country_booked_totals_not_negative')),
        sa.PrimaryKeyConstraint('country_code', 'booked_year',
                                name=op.f('pk_grant_country_booked_totals')),
    )
    rows = [{'country_code': country, 'booked_year': int(year), 'disbursed_yen': int(yen),
             'disbursements': int(entries)}
            for country, year, yen, entries in bind.execute(sa.text(
                "SELECT o.country_code, t.booked_year, sum(t.amount_yen), sum(t.entries) "
                "FROM portfolio_totals t JOIN organisations o ON o.id = t.organisation_id "
                "WHERE t.kind = 'disbursement' AND t.application_kind = 'grant' "
                "GROUP BY o.country_code, t.booked_year"))]
    if rows:
        op.bulk_insert(booked, rows)


def downgrade():
    op.drop_table('grant_country_booked_totals')
    op.drop_table('round_application_totals')
    op.drop_table('country_year_totals')
