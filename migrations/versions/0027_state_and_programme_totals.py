"""The files counted by kind and state, and the grants by programme type, kept with every
change: the portfolio reads a few rows instead of counting every application.

Written by hand. The rows are filled from the applications and the grants as they stand,
so they match them from the release on.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 17:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None

applications = sa.table('applications', sa.column('kind'), sa.column('state'))
grants = sa.table('grant_details', sa.column('programme_type'))


def upgrade():
    states = op.create_table(
        'state_totals',
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('state', sa.String(length=32), nullable=False),
        sa.Column('applications', sa.BigInteger(), nullable=False),
        sa.CheckConstraint('applications >= 0', name=op.f('ck_state_totals_not_negative')),
        sa.PrimaryKeyConstraint('kind', 'state', name=op.f('pk_state_totals')),
    )
    programmes = op.create_table(
        'programme_type_totals',
        sa.Column('programme_type', sa.String(length=20), nullable=False),
        sa.Column('grants', sa.BigInteger(), nullable=False),
        sa.CheckConstraint('grants >= 0', name=op.f('ck_programme_type_totals_not_negative')),
        sa.PrimaryKeyConstraint('programme_type', name=op.f('pk_programme_type_totals')),
    )
    bind = op.get_bind()
    rows = [{'kind': kind, 'state': state, 'applications': int(n)}
            for kind, state, n in bind.execute(
                sa.select(applications.c.kind, applications.c.state, sa.func.count())
                .group_by(applications.c.kind, applications.c.state))]
    if rows:
        op.bulk_insert(states, rows)
    rows = [{'programme_type': programme_type, 'grants': int(n)}
            for programme_type, n in bind.execute(
                sa.select(grants.c.programme_type, sa.func.count())
                .where(grants.c.programme_type.is_not(None))
                .group_by(grants.c.programme_type))]
    if rows:
        op.bulk_insert(programmes, rows)


def downgrade():
    op.drop_table('programme_type_totals')
    op.drop_table('state_totals')
