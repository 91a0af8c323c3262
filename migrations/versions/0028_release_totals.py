"""Each file's tranches released and awaiting authorisation, and the undrawn part of a loan
cancelled, kept with every change: the finance queue reads a row per file instead of
summing every tranche of every file that may release money.

Written by hand. The rows are filled from the tranches and cancellations as they stand,
so they match them from the release on.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 19:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None

tranches = sa.table('tranches', sa.column('application_id'), sa.column('state'),
                    sa.column('amount_yen'))
cancellations = sa.table('undrawn_cancellations', sa.column('application_id'),
                         sa.column('state'), sa.column('amount_yen'))


def _yen_when(table, state):
    return sa.func.sum(sa.case((table.c.state == state, table.c.amount_yen), else_=0))


def upgrade():
    totals = op.create_table(
        'release_totals',
        sa.Column('application_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('released_yen', sa.BigInteger(), nullable=False),
        sa.Column('pending_yen', sa.BigInteger(), nullable=False),
        sa.Column('cancelled_yen', sa.BigInteger(), nullable=False),
        sa.CheckConstraint('released_yen >= 0 AND pending_yen >= 0 AND cancelled_yen >= 0',
                           name=op.f('ck_release_totals_not_negative')),
        sa.ForeignKeyConstraint(['application_id'], ['applications.id'],
                                name=op.f('fk_release_totals_application_id_applications')),
        sa.PrimaryKeyConstraint('application_id', name=op.f('pk_release_totals')),
    )
    bind = op.get_bind()
    rows: dict[int, dict] = {}
    for application_id, released, pending in bind.execute(
            sa.select(tranches.c.application_id, _yen_when(tranches, 'released'),
                      _yen_when(tranches, 'requested'))
            .group_by(tranches.c.application_id)):
        rows[application_id] = {'application_id': application_id, 'released_yen': int(released),
                                'pending_yen': int(pending), 'cancelled_yen': 0}
    for application_id, cancelled in bind.execute(
            sa.select(cancellations.c.application_id, _yen_when(cancellations, 'confirmed'))
            .group_by(cancellations.c.application_id)):
        rows.setdefault(application_id, {'application_id': application_id, 'released_yen': 0,
                                         'pending_yen': 0})['cancelled_yen'] = int(cancelled)
    if rows:
        op.bulk_insert(totals, [rows[key] for key in sorted(rows)])


def downgrade():
    op.drop_table('release_totals')
