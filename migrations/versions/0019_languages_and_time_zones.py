"""Languages and time zones: a user's language may be unchosen, each user may set a time
zone and the Japanese era, and each organisation has a default language.

Written by hand. Until now every user's language was 'en' by default, with no way for the
user to choose: those 'en' become "not chosen" (their browser's language, else their
organisation's, is used), 'ja' stays. AOTS and Japanese companies default to Japanese.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 07:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.drop_constraint(op.f('ck_users_locale_known'), type_='check')
        batch.alter_column('locale', existing_type=sa.String(5), nullable=True)
        batch.add_column(sa.Column('time_zone', sa.String(64), nullable=True))
        batch.add_column(sa.Column('japanese_era', sa.Boolean(), server_default=sa.false(),
                                   nullable=False))
        batch.create_check_constraint(op.f('ck_users_locale_known'),
                                      "locale IS NULL OR locale IN ('en', 'ja')")
    op.execute("UPDATE users SET locale = NULL WHERE locale = 'en'")
    with op.batch_alter_table('organisations') as batch:
        batch.add_column(sa.Column('locale', sa.String(5), server_default='en', nullable=False))
        batch.create_check_constraint(op.f('ck_organisations_locale_known'),
                                      "locale IN ('en', 'ja')")
    op.execute("UPDATE organisations SET locale = 'ja' "
               "WHERE kind = 'aots' OR (kind = 'company' AND country_code = 'JP')")


def downgrade():
    with op.batch_alter_table('organisations') as batch:
        batch.drop_constraint(op.f('ck_organisations_locale_known'), type_='check')
        batch.drop_column('locale')
    op.execute("UPDATE users SET locale = 'en' WHERE locale IS NULL")
    with op.batch_alter_table('users') as batch:
        batch.drop_constraint(op.f('ck_users_locale_known'), type_='check')
        batch.drop_column('japanese_era')
        batch.drop_column('time_zone')
        batch.alter_column('locale', existing_type=sa.String(5), nullable=False)
        batch.create_check_constraint(op.f('ck_users_locale_known'), "locale IN ('en', 'ja')")
