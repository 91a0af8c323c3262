"""Checkpoints of the verified audit chain, and full re-verifications run as jobs.

Written by hand. No checkpoint at first: the first verification after the release checks
the whole chain and leaves the first one.

Revision ID: 0020
Revises: 0018 (0019 once merged: the coordinator re-chains it)
Create Date: 2026-12-07 07:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'audit_verifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('up_to_seq', sa.BigInteger(), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.Column('up_to_entry', sa.BigInteger(), server_default='0', nullable=False),
        sa.Column('full', sa.Boolean(), nullable=False),
        sa.Column('events_checked', sa.BigInteger(), nullable=False),
        sa.Column('verified_at', sa.DateTime(), nullable=False),
        sa.Column('by_user_id', sa.Integer(), nullable=True),
        sa.Column('by', sa.String(length=40), nullable=False),
        sa.CheckConstraint('up_to_seq >= 0 AND events_checked >= 0',
                           name=op.f('ck_audit_verifications_counts_not_negative')),
        sa.ForeignKeyConstraint(['by_user_id'], ['users.id'],
                                name=op.f('fk_audit_verifications_by_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_verifications')),
    )
    op.create_index(op.f('ix_audit_verifications_up_to_seq'), 'audit_verifications',
                    ['up_to_seq'])
    op.create_table(
        'audit_verification_jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('requested_at', sa.DateTime(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=True),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.Column('done', sa.BigInteger(), nullable=False),
        sa.Column('total', sa.BigInteger(), nullable=False),
        sa.Column('result', sa.Text(), nullable=False),
        sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed')",
                           name=op.f('ck_audit_verification_jobs_state_known')),
        sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'],
                                name=op.f('fk_audit_verification_jobs_requested_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_verification_jobs')),
    )
    op.create_index(op.f('ix_audit_verification_jobs_state'), 'audit_verification_jobs',
                    ['state'])


def downgrade():
    op.drop_index(op.f('ix_audit_verification_jobs_state'), table_name='audit_verification_jobs')
    op.drop_table('audit_verification_jobs')
    op.drop_index(op.f('ix_audit_verifications_up_to_seq'), table_name='audit_verifications')
    op.drop_table('audit_verifications')
