"""Loans drawn in tranches: interest to the day, delay damages, prepayments, cancellations
of the undrawn part, and the rate caps of the Interest Rate Restriction Act.

Written by hand:

* loan_details: the damages rate, the prepayment setting (lower instalment or shorter
  term) and the day the committee approved the loan; CHECKs at the Act's highest caps
  (interest 20 %, damages 29.2 %) and terms of at most 360 months.
* instalments: the period's interest reckoned when its balance changed, and the delay
  damages reckoned and paid; repayments and their allocations: the damages they paid.
* undrawn_cancellations: four-eyes cancellations of the part of a loan not drawn.
* ledger_entries: the new kind repayment_damages (cash in).

Existing rows: an approved loan gets the usual damages rate, 14.6 % (within every cap), and
the setting "lower instalment"; its approval day is read from its decide event. A rate above
the Act's cap for its principal is lowered to the cap — the Act makes the part above it void
(art. 1) — and a term beyond 360 months (a typing mistake the old forms let through) to 360.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 10:00:00

"""
import sqlalchemy as sa
from alembic import op

from models import append_only


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

KINDS_BEFORE = ('donation', 'commitment', 'commitment_release', 'disbursement', 'refund_due',
                'refund', 'repayment_principal', 'repayment_interest', 'write_off')
KINDS_AFTER = KINDS_BEFORE + ('repayment_damages',)


def _kinds(kinds):
    return "kind IN ({})".format(", ".join(f"'{k}'" for k in kinds))


def _term(column):
    return f"{column} IS NULL OR ({column} > 0 AND {column} <= 360)"


LOAN_CHECKS_BEFORE = {  # name: condition
    'ck_loan_details_rate_range': 'annual_rate IS NULL OR (annual_rate >= 0 AND annual_rate <= 100)',
    'ck_loan_details_recommended_rate_range': 'recommended_rate IS NULL OR (recommended_rate >= 0 AND recommended_rate <= 100)',
    'ck_loan_details_term_positive': 'term_months IS NULL OR term_months > 0',
    'ck_loan_details_requested_term_positive': 'requested_term_months IS NULL OR requested_term_months > 0',
    'ck_loan_details_grace_not_negative': 'grace_months IS NULL OR grace_months >= 0',
}
LOAN_CHECKS_AFTER = {
    'ck_loan_details_rate_range': 'annual_rate IS NULL OR (annual_rate >= 0 AND annual_rate <= 20)',
    'ck_loan_details_recommended_rate_range': 'recommended_rate IS NULL OR (recommended_rate >= 0 AND recommended_rate <= 20)',
    'ck_loan_details_damages_rate_range': 'damages_rate IS NULL OR (damages_rate >= 0 AND damages_rate <= 29.2)',
    'ck_loan_details_term_positive': _term('term_months'),
    'ck_loan_details_recommended_term_range': _term('recommended_term_months'),
    'ck_loan_details_requested_term_positive': _term('requested_term_months'),
    'ck_loan_details_grace_not_negative': 'grace_months IS NULL OR (grace_months >= 0 AND grace_months < 360)',
    'ck_loan_details_prepayment_mode_known': "prepayment_mode IN ('lower_instalment', 'shorter_term')",
}
INSTALMENT_CHECKS = {
    'ck_instalments_interest_accrued_range': 'interest_accrued_yen >= 0 AND interest_accrued_yen <= interest_yen',
    'ck_instalments_damages_not_negative': 'damages_yen >= 0 AND paid_damages_yen >= 0',
}


def _cap(amount, damages=False):
    """SQL for the Act's cap on a principal `amount` (an SQL expression)."""
    caps = ('29.2', '26.28', '21.9') if damages else ('20', '18', '15')
    return (f"CASE WHEN {amount} < 100000 THEN {caps[0]} WHEN {amount} < 1000000 "
            f"THEN {caps[1]} ELSE {caps[2]} END")


def upgrade():
    with op.batch_alter_table('loan_details', schema=None) as batch_op:
        batch_op.add_column(sa.Column('damages_rate', sa.Numeric(precision=7, scale=4), nullable=True))
        batch_op.add_column(sa.Column('prepayment_mode', sa.String(length=16), nullable=False, server_default='lower_instalment'))
        batch_op.add_column(sa.Column('approved_on', sa.Date(), nullable=True))
    _migrate_loan_terms()
    with op.batch_alter_table('loan_details', schema=None) as batch_op:
        for name in LOAN_CHECKS_BEFORE:
            batch_op.drop_constraint(batch_op.f(name), type_='check')
        for name, condition in LOAN_CHECKS_AFTER.items():
            batch_op.create_check_constraint(batch_op.f(name), condition)

    with op.batch_alter_table('instalments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('interest_accrued_yen', sa.BigInteger(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('interest_accrued_to', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('damages_yen', sa.BigInteger(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('damages_to', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('paid_damages_yen', sa.BigInteger(), nullable=False, server_default='0'))
        for name, condition in INSTALMENT_CHECKS.items():
            batch_op.create_check_constraint(batch_op.f(name), condition)
    for table in ('repayments', 'repayment_allocations'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('damages_yen', sa.BigInteger(), nullable=False, server_default='0'))
            batch_op.create_check_constraint(batch_op.f(f'ck_{table}_damages_not_negative'), 'damages_yen >= 0')

    _replace_ledger_kinds(KINDS_AFTER)

    op.create_table('undrawn_cancellations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('amount_yen', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=False),
    sa.Column('proposed_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.CheckConstraint("state IN ('proposed', 'confirmed', 'withdrawn')", name=op.f('ck_undrawn_cancellations_state_known')),
    sa.CheckConstraint('amount_yen > 0', name=op.f('ck_undrawn_cancellations_amount_positive')),
    sa.CheckConstraint("state <> 'confirmed' OR decided_by_id <> proposed_by_id", name=op.f('ck_undrawn_cancellations_four_eyes')),
    sa.CheckConstraint("(state = 'proposed') = (decided_at IS NULL)", name=op.f('ck_undrawn_cancellations_decided_has_time')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_undrawn_cancellations_application_id_applications')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_undrawn_cancellations_decided_by_id_users')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id'], name=op.f('fk_undrawn_cancellations_proposed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_undrawn_cancellations'))
    )
    with op.batch_alter_table('undrawn_cancellations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_undrawn_cancellations_application_id'), ['application_id'], unique=False)


def _migrate_loan_terms():
    """Existing loans within the new CHECKs, with a damages rate and their approval day."""
    approved = "(SELECT approved_yen FROM applications WHERE applications.id = loan_details.application_id)"
    recommended = "COALESCE(recommended_amount_yen, 0)"
    op.execute(f"UPDATE loan_details SET annual_rate = {_cap(approved)} "
               f"WHERE annual_rate > {_cap(approved)}")
    op.execute(f"UPDATE loan_details SET recommended_rate = {_cap(recommended)} "
               f"WHERE recommended_rate > {_cap(recommended)}")
    for column in ('term_months', 'requested_term_months', 'recommended_term_months'):
        op.execute(f"UPDATE loan_details SET {column} = 360 WHERE {column} > 360")
    for grace, term in (('grace_months', 'term_months'),
                        ('recommended_grace_months', 'recommended_term_months')):
        op.execute(f"UPDATE loan_details SET {grace} = {term} - 1 "
                   f"WHERE {grace} >= {term}")
    op.execute("UPDATE loan_details SET damages_rate = 14.6 WHERE annual_rate IS NOT NULL")
    # DATE() of a timestamp: a function on SQLite, a cast on PostgreSQL; the same text.
    op.execute("""
        UPDATE loan_details SET approved_on = (
            SELECT DATE(MAX(occurred_at)) FROM audit_events
            WHERE audit_events.object_type = 'application'
              AND audit_events.object_id = loan_details.application_id
              AND audit_events.action = 'decide' AND audit_events.to_state = 'approved')
        WHERE annual_rate IS NOT NULL
    """)


def _replace_ledger_kinds(kinds):
    """The kind CHECK of the ledger. On SQLite the batch rebuilds the table, which takes its
    append-only triggers with it: they are made again as migration 0003 made them."""
    sqlite = op.get_bind().dialect.name == 'sqlite'
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_ledger_entries_kind_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_ledger_entries_kind_known'), _kinds(kinds))
    if sqlite:
        for statement in append_only.dropped('ledger_entries', 'sqlite'):
            op.execute(statement)
        for statement in append_only.created('ledger_entries', 'sqlite'):
            op.execute(statement)


def downgrade():
    with op.batch_alter_table('undrawn_cancellations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_undrawn_cancellations_application_id'))
    op.drop_table('undrawn_cancellations')
    _replace_ledger_kinds(KINDS_AFTER if _has_damages() else KINDS_BEFORE)
    for table in ('repayment_allocations', 'repayments'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'ck_{table}_damages_not_negative'), type_='check')
            batch_op.drop_column('damages_yen')
    with op.batch_alter_table('instalments', schema=None) as batch_op:
        for name in INSTALMENT_CHECKS:
            batch_op.drop_constraint(batch_op.f(name), type_='check')
        for column in ('paid_damages_yen', 'damages_to', 'damages_yen', 'interest_accrued_to',
                       'interest_accrued_yen'):
            batch_op.drop_column(column)
    with op.batch_alter_table('loan_details', schema=None) as batch_op:
        for name in LOAN_CHECKS_AFTER:
            batch_op.drop_constraint(batch_op.f(name), type_='check')
        for name, condition in LOAN_CHECKS_BEFORE.items():
            batch_op.create_check_constraint(batch_op.f(name), condition)
        for column in ('approved_on', 'prepayment_mode', 'damages_rate'):
            batch_op.drop_column(column)


def _has_damages():
    """Whether the append-only ledger holds damages received (the old CHECK would refuse
    them, so the downgrade keeps the new kind rather than lose money from the books)."""
    return op.get_bind().execute(sa.text(
        "SELECT 1 FROM ledger_entries WHERE kind = 'repayment_damages' LIMIT 1")).first() is not None
