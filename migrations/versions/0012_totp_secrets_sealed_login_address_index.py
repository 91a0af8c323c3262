"""TOTP secrets sealed at rest, and the login attempts by address for the throttle.

Written by hand:

* users.totp_secret (base32 in clear) becomes users.totp_secret_sealed: each enrolled
  user's secret is sealed with the first key of TOTP_ENCRYPTION_KEYS (Fernet, as
  models.sealing does), so migrate with the production keys in the environment. The
  clear column is dropped with a plain ALTER TABLE … DROP COLUMN (SQLite 3.35 and later
  have it): a batch copy of `users` would empty the tables that refer to it on SQLite,
  whose foreign keys are on.
* an index on login_attempts (remote_addr, at): the throttle counts the failures of an
  address within the last day (workflow.people.throttle).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 10:00:00

"""
from alembic import op
import sqlalchemy as sa
from cryptography.fernet import Fernet, MultiFernet
from flask import current_app


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

users = sa.table('users', sa.column('id', sa.Integer), sa.column('totp_secret', sa.String),
                 sa.column('totp_secret_sealed', sa.String))


def _keys() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in current_app.config['TOTP_ENCRYPTION_KEYS']])


def _convert(source, target, change) -> None:
    """Write change(source) into target for every user who has a source value."""
    conn = op.get_bind()
    rows = conn.execute(sa.select(users.c.id, source).where(source.isnot(None))).all()
    for user_id, value in rows:
        conn.execute(users.update().where(users.c.id == user_id)
                     .values({target.name: change(value)}))


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret_sealed', sa.String(length=255),
                                      nullable=True))
    keys = _keys()
    _convert(users.c.totp_secret, users.c.totp_secret_sealed,
             lambda secret: keys.encrypt(secret.encode()).decode())
    op.drop_column('users', 'totp_secret')
    op.create_index('ix_login_attempts_remote_addr_at', 'login_attempts',
                    ['remote_addr', 'at'], unique=False)


def downgrade():
    op.drop_index('ix_login_attempts_remote_addr_at', table_name='login_attempts')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
    keys = _keys()
    _convert(users.c.totp_secret_sealed, users.c.totp_secret,
             lambda sealed: keys.decrypt(sealed.encode()).decode())
    op.drop_column('users', 'totp_secret_sealed')
