"""Each fund's ledger summed by kind and fiscal year, kept with every entry.

Written by hand. The totals are filled from the ledger as it stands (a fiscal year runs
from 1 April and is named by the year it starts), so they match it from the release on.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 07:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

KINDS = ("donation", "commitment", "commitment_release", "disbursement", "refund_due",
         "refund", "repayment_principal", "repayment_interest", "write_off",
         "repayment_damages")


def _fiscal_year(day) -> int:
    return day.year if day.month >= 4 else day.year - 1


def upgrade():
    table = op.create_table(
        'fund_totals',
        sa.Column('fund_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('fiscal_year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('amount_yen', sa.BigInteger(), nullable=False),
        sa.Column('entries', sa.BigInteger(), nullable=False),
        sa.CheckConstraint("kind IN (" + ", ".join(repr(k) for k in KINDS) + ")",
                           name=op.f('ck_fund_totals_kind_known')),
        sa.CheckConstraint('amount_yen >= 0 AND entries >= 0',
                           name=op.f('ck_fund_totals_not_negative')),
        sa.ForeignKeyConstraint(['fund_id'], ['funds.id'],
                                name=op.f('fk_fund_totals_fund_id_funds')),
        sa.PrimaryKeyConstraint('fund_id', 'kind', 'fiscal_year', name=op.f('pk_fund_totals')),
    )
    entries = sa.table('ledger_entries', sa.column('fund_id'), sa.column('kind'),
                       sa.column('booked_on', sa.Date), sa.column('amount_yen'))
    rows = op.get_bind().execute(
        sa.select(entries.c.fund_id, entries.c.kind, entries.c.booked_on,
                  sa.func.sum(entries.c.amount_yen), sa.func.count())
        .group_by(entries.c.fund_id, entries.c.kind, entries.c.booked_on)).all()
    totals: dict[tuple, list[int]] = {}
    for fund_id, kind, day, amount, count in rows:
        found = totals.setdefault((fund_id, kind, _fiscal_year(day)), [0, 0])
        found[0] += int(amount)
        found[1] += int(count)
    if totals:
        op.bulk_insert(table, [
            {'fund_id': fund_id, 'kind': kind, 'fiscal_year': year, 'amount_yen': amount,
             'entries': count}
            for (fund_id, kind, year), (amount, count) in sorted(totals.items())])


def downgrade():
    op.drop_table('fund_totals')
