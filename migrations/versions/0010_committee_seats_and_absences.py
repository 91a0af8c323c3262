"""A committee per programme: seats per fund (member, chair, deputy chair), the day a person
is away until, and the submission time of every file that was ever submitted.

Written by hand. Existing rows migrate as follows:

* every holder of committee_member gets a member's seat on every fund's committee (the one
  committee of before was both); the first active holder of committee_chair (lowest id)
  chairs every committee, the second deputises on every one; further chairs keep their
  role and no presiding seat (the admin names them on the user form);
* applications.submitted_at, which only grants kept, is set for every file from its last
  submit or resubmit event, else (a file put in its state without one) from its creation
  when it is past draft: a file that was never submitted is seen by its organisation alone.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

PRESIDING = "seat IN ('chair', 'deputy_chair')"


def upgrade():
    op.create_table('committee_seats',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('seat', sa.String(length=12), nullable=False),
    sa.CheckConstraint("seat IN ('member', 'chair', 'deputy_chair')", name=op.f('ck_committee_seats_seat_known')),
    sa.ForeignKeyConstraint(['fund_id'], ['funds.id'], name=op.f('fk_committee_seats_fund_id_funds')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_committee_seats_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_seats')),
    sa.UniqueConstraint('user_id', 'fund_id', 'seat', name=op.f('uq_committee_seats_user_id_fund_id_seat'))
    )
    with op.batch_alter_table('committee_seats', schema=None) as batch_op:
        batch_op.create_index('ix_committee_seats_fund_seat_user', ['fund_id', 'seat', 'user_id'], unique=False)
        batch_op.create_index('uq_committee_seats_presiding', ['fund_id', 'seat'], unique=True,
                              sqlite_where=sa.text(PRESIDING), postgresql_where=sa.text(PRESIDING))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('away_until', sa.Date(), nullable=True))

    _seat_the_committee_roles()
    _note_submissions()


def _seat_the_committee_roles():
    op.execute("""
        INSERT INTO committee_seats (user_id, fund_id, seat)
        SELECT r.user_id, f.id, 'member' FROM role_assignments r CROSS JOIN funds f
        WHERE r.role = 'committee_member'
    """)
    bind = op.get_bind()
    chairs = bind.execute(sa.text("""
        SELECT r.user_id FROM role_assignments r JOIN users u ON u.id = r.user_id
        WHERE r.role = 'committee_chair' ORDER BY u.active DESC, u.id LIMIT 2
    """)).scalars().all()
    for user_id, seat in zip(chairs, ('chair', 'deputy_chair')):
        bind.execute(sa.text("""
            INSERT INTO committee_seats (user_id, fund_id, seat)
            SELECT :user_id, id, :seat FROM funds
        """), {"user_id": user_id, "seat": seat})


def _note_submissions():
    op.execute("""
        UPDATE applications SET submitted_at = (
            SELECT max(e.occurred_at) FROM audit_events e
            WHERE e.object_type = 'application' AND e.object_id = applications.id
              AND e.action IN ('submit', 'resubmit'))
        WHERE submitted_at IS NULL
    """)
    op.execute("""
        UPDATE applications SET submitted_at = created_at
        WHERE submitted_at IS NULL AND state NOT IN ('draft', 'withdrawn')
    """)


def downgrade():
    # The submission times stay: grants had them before, and a loan's does no harm.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('away_until')

    with op.batch_alter_table('committee_seats', schema=None) as batch_op:
        batch_op.drop_index('uq_committee_seats_presiding')
        batch_op.drop_index('ix_committee_seats_fund_seat_user')

    op.drop_table('committee_seats')
