"""Each round's ledger entries by kind, kept with every booking: the rounds page reads a
few rows a round instead of summing the ledger.

Written by hand. The rows are filled from the ledger and the applications' rounds as they
stand, so they match them from the release on.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 11:45:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

KINDS = ("donation", "commitment", "commitment_release", "disbursement", "refund_due",
         "refund", "repayment_principal", "repayment_interest", "write_off",
         "repayment_damages")
KIND_KNOWN = "kind IN (" + ", ".join(repr(k) for k in KINDS) + ")"

entries = sa.table('ledger_entries', sa.column('kind'), sa.column('amount_yen'),
                   sa.column('application_id'))
applications = sa.table('applications', sa.column('id'), sa.column('round_id'))


def upgrade():
    totals = op.create_table(
        'round_totals',
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('amount_yen', sa.BigInteger(), nullable=False),
        sa.Column('entries', sa.BigInteger(), nullable=False),
        sa.CheckConstraint(KIND_KNOWN, name=op.f('ck_round_totals_kind_known')),
        sa.CheckConstraint('amount_yen >= 0 AND entries >= 0',
                           name=op.f('ck_round_totals_not_negative')),
        sa.ForeignKeyConstraint(['round_id'], ['rounds.id'],
                                name=op.f('fk_round_totals_round_id_rounds')),
        sa.PrimaryKeyConstraint('round_id', 'kind', name=op.f('pk_round_totals')),
    )
    rows = [{'round_id': round_id, 'kind': kind, 'amount_yen': int(yen), 'entries': int(n)}
            for round_id, kind, yen, n in op.get_bind().execute(
                sa.select(applications.c.round_id, entries.c.kind,
                          sa.func.sum(entries.c.amount_yen), sa.func.count())
                .select_from(entries.join(applications,
                                          applications.c.id == entries.c.application_id))
                .where(applications.c.round_id.is_not(None))
                .group_by(applications.c.round_id, entries.c.kind))]
    if rows:
        op.bulk_insert(totals, rows)


def downgrade():
    op.drop_table('round_totals')
