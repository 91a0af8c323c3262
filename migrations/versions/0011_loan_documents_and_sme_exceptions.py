"""Loan documents, the SME Basic Act's cabinet-order industries, loans by investment country.

Written by hand:

* attachments: two new kinds, the company's business plan and its latest financial
  statements (the kind column widens to hold "financial_statements");
* organisations: three new industries with thresholds of their own (rubber products,
  software and information processing, hotels and inns);
* the portfolio counts grants by their society's country and loans by the country they
  invest in, each from an index alone: applications by organisation, kind and fiscal year
  (replacing 0007's index by organisation and year, which had no kind; the new one still
  serves the foreign key it starts with), and the loans' investment countries.

Existing rows keep their values, all of which stay allowed. Downgrading puts the new
industries back into the groups the SME Basic Act's Article 2 gives them (rubber products
under manufacturing, the other two under services) and the loan documents under "other".

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 22:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

OLD_INDUSTRIES = ('manufacturing', 'wholesale', 'services', 'retail', 'other')
NEW_INDUSTRIES = ('manufacturing', 'rubber_products', 'wholesale', 'retail', 'services',
                  'software', 'hotels', 'other')
# Where a new industry goes back to on downgrade: its group under Article 2.
INDUSTRY_GROUPS = {'rubber_products': 'manufacturing', 'software': 'services',
                   'hotels': 'services'}
OLD_KINDS = ('proposal', 'report', 'agreement', 'other')
NEW_KINDS = ('proposal', 'report', 'agreement', 'business_plan', 'financial_statements',
             'other')


def _in(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _industries(values):
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_organisations_industry_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_organisations_industry_known'),
                                         f"industry IS NULL OR {_in('industry', values)}")


def _attachment_kinds(values, length, previous_length):
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_attachments_kind_known'), type_='check')
        batch_op.alter_column('kind', existing_type=sa.String(length=previous_length),
                              type_=sa.String(length=length), existing_nullable=False)
        batch_op.create_check_constraint(op.f('ck_attachments_kind_known'),
                                         _in('kind', values))


CREATED = {  # name: (table, columns)
    'ix_applications_organisation_kind_year_approved': (
        'applications', ['organisation_id', 'kind', 'fiscal_year', 'approved_yen', 'id']),
    'ix_loan_details_application_country': (
        'loan_details', ['application_id', 'investment_country']),
}
DROPPED = {  # name: (table, columns), as 0007 made it
    'ix_applications_organisation_year_approved': (
        'applications', ['organisation_id', 'fiscal_year', 'approved_yen']),
}


def upgrade():
    _industries(NEW_INDUSTRIES)
    _attachment_kinds(NEW_KINDS, 24, 12)
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
    organisations = sa.table('organisations', sa.column('industry', sa.String))
    for industry, group in INDUSTRY_GROUPS.items():
        op.execute(organisations.update().where(organisations.c.industry == industry)
                   .values(industry=group))
    attachments = sa.table('attachments', sa.column('kind', sa.String))
    op.execute(attachments.update()
               .where(attachments.c.kind.in_(('business_plan', 'financial_statements')))
               .values(kind='other'))
    _attachment_kinds(OLD_KINDS, 12, 24)
    _industries(OLD_INDUSTRIES)
