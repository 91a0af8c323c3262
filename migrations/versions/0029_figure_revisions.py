"""The revision of each table of kept figures: the portfolio's figures, kept by each worker,
are filed under those of the tables they read instead of the lists' revision, which every
change to any file moves.

Written by hand. The table starts empty: a row is made by the first change to its figures
(workflow.engine.kept_sums.add_to), and a worker reads a missing row as a revision of its own.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07 19:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'figure_revisions',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('revision', sa.BigInteger(), server_default='1', nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_figure_revisions')),
    )


def downgrade():
    op.drop_table('figure_revisions')
