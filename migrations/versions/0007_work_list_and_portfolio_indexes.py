"""Indexes for the work lists a page at a time and the figures from the index alone.

Written by hand (indexes only, so existing rows migrate unchanged; plain CREATE and DROP
INDEX on SQLite and PostgreSQL alike):

* the open ballots oldest first: the committee's lists walk this index a page at a time;
* the portfolio's counts and sums by organisation and fiscal year, by round and by
  programme type, and the disbursements by application, read from the index alone;
* a fund's balances (sums by kind, and this fiscal year's) from the index alone.

Dropped, each a prefix of an index that now serves its queries too:
ix_applications_state_kind (of ix_applications_state_kind_due_on),
ix_applications_organisation_id, ix_applications_round_id and ix_ledger_entries_fund_kind.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 10:55:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

CREATED = {  # name: (table, columns)
    'ix_ballots_state_opened_at': ('ballots', ['state', 'opened_at', 'id']),
    'ix_applications_organisation_year_approved': (
        'applications', ['organisation_id', 'fiscal_year', 'approved_yen']),
    'ix_applications_round_approved': ('applications', ['round_id', 'approved_yen']),
    'ix_grant_details_programme_type': ('grant_details', ['programme_type']),
    'ix_ledger_entries_fund_kind_totals': (
        'ledger_entries', ['fund_id', 'kind', 'booked_on', 'amount_yen']),
    'ix_ledger_entries_kind_application': (
        'ledger_entries', ['kind', 'application_id', 'amount_yen']),
}
DROPPED = {  # name: (table, columns), as they were made
    'ix_applications_state_kind': ('applications', ['state', 'kind']),
    'ix_applications_organisation_id': ('applications', ['organisation_id']),
    'ix_applications_round_id': ('applications', ['round_id']),
    'ix_ledger_entries_fund_kind': ('ledger_entries', ['fund_id', 'kind']),
}


def upgrade():
    # The new ones first: no query is left without an index in between.
    for name, (table, columns) in CREATED.items():
        op.create_index(name, table, columns, unique=False)
    for name, (table, _columns) in DROPPED.items():
        op.drop_index(name, table_name=table)


def downgrade():
    for name, (table, columns) in DROPPED.items():
        op.create_index(name, table, columns, unique=False)
    for name, (table, _columns) in reversed(CREATED.items()):
        op.drop_index(name, table_name=table)
