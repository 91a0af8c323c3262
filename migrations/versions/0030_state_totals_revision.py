"""A revision on each row of the files counted by state, moved by a transition in the
statement that moves the counts: the figures kept of them are filed under its sum and the
table's figure revision, and a transition no longer writes figure_revisions.

Written by hand. Existing rows start at 0: the table's figure revision tells their answers
apart from those kept before.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07 23:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('state_totals', sa.Column('revision', sa.BigInteger(), server_default='0',
                                            nullable=False))


def downgrade():
    with op.batch_alter_table('state_totals') as batch_op:
        batch_op.drop_column('revision')
