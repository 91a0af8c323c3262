"""Grants and funds: report due dates and reminders, one booking per click, related partners.

Written by hand (issue 17):

* funds.report_due_days (a grant's final report falls due that many days after its
  activity ends) and funds.reminder_days (how long before a due date the applicant or the
  borrowing company is reminded); existing funds get the defaults, 60 and 14 days;
* sent_reminders: each reminder of a due date sent, so that none is sent twice;
* idempotency_keys.object_type and object_id: what the first submission of a form
  created, to show it to the second; existing keys (repayments, tranches) keep none;
* organisations.kind may be 'related_organisation' (universities, chambers of commerce,
  public bodies that co-organise with a society); existing rows are unchanged.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

KINDS_BEFORE = "kind IN ('alumni_society', 'company', 'aots')"
KINDS_AFTER = "kind IN ('alumni_society', 'company', 'aots', 'related_organisation')"


def upgrade():
    with op.batch_alter_table('funds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('report_due_days', sa.Integer(), server_default='60',
                                      nullable=False))
        batch_op.add_column(sa.Column('reminder_days', sa.Integer(), server_default='14',
                                      nullable=False))
        batch_op.create_check_constraint(op.f('ck_funds_report_due_days_range'),
                                         'report_due_days > 0 AND report_due_days <= 3650')
        batch_op.create_check_constraint(op.f('ck_funds_reminder_days_range'),
                                         'reminder_days >= 0 AND reminder_days <= 365')

    op.create_table('sent_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('event', sa.String(length=80), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_sent_reminders_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sent_reminders')),
    sa.UniqueConstraint('application_id', 'event', name=op.f('uq_sent_reminders_application_id_event'))
    )

    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('object_type', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('object_id', sa.Integer(), nullable=True))

    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_organisations_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_organisations_kind_known'), KINDS_AFTER)


def downgrade():
    # A related organisation has no kind to go back to: it becomes an alumni society, the
    # other kind allowed as a partner, rather than the downgrade failing.
    op.execute("UPDATE organisations SET kind = 'alumni_society' "
               "WHERE kind = 'related_organisation'")
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_organisations_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_organisations_kind_known'), KINDS_BEFORE)

    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.drop_column('object_id')
        batch_op.drop_column('object_type')

    op.drop_table('sent_reminders')

    with op.batch_alter_table('funds', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_funds_reminder_days_range'), type_='check')
        batch_op.drop_constraint(op.f('ck_funds_report_due_days_range'), type_='check')
        batch_op.drop_column('reminder_days')
        batch_op.drop_column('report_due_days')
