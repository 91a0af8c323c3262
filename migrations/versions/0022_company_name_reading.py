"""A company name's reading (フリガナ) on its organisation.

Written by hand. Existing organisations have none yet ('').

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 10:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisations') as batch:
        batch.add_column(sa.Column('name_reading', sa.String(200), server_default='',
                                   nullable=False))


def downgrade():
    with op.batch_alter_table('organisations') as batch:
        batch.drop_column('name_reading')
