"""A daily digest of notifications by email, as each user's choice.

Written by hand. No user takes the digest at first: each keeps one email per notification.

Revision ID: 0017
Revises: 0016_api
Create Date: 2026-12-07 04:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016_api'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'daily_digests',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('sent_through', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_daily_digests_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_daily_digests')),
    )


def downgrade():
    op.drop_table('daily_digests')
