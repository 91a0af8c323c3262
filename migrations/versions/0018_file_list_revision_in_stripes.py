"""The lists' revision in stripes, so that writers of different files share no row.

Written by hand. `file_list_revisions` gets a row per stripe, each at 1;
`kept_revisions` keeps the people's revision only. Workers keep their answers in memory,
so numbers that start afresh at a release mislead none of them: a worker started before
the release is stopped by it.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 04:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

STRIPES = 32  # models.kept.FILE_LIST_STRIPES when this was written


def upgrade():
    table = op.create_table(
        'file_list_revisions',
        sa.Column('stripe', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('revision', sa.BigInteger(), server_default='1', nullable=False),
        sa.CheckConstraint(f'stripe >= 0 AND stripe < {STRIPES}',
                           name=op.f('ck_file_list_revisions_stripe_in_range')),
        sa.PrimaryKeyConstraint('stripe', name=op.f('pk_file_list_revisions')),
    )
    op.bulk_insert(table, [{'stripe': n, 'revision': 1} for n in range(STRIPES)])
    with op.batch_alter_table('kept_revisions') as batch:
        batch.drop_column('file_lists')


def downgrade():
    with op.batch_alter_table('kept_revisions') as batch:
        batch.add_column(sa.Column('file_lists', sa.BigInteger(), server_default='1',
                                   nullable=False))
    op.drop_table('file_list_revisions')
