"""`flask db roles --owner NAME --login NAME`: the two PostgreSQL roles of production (beside
Flask-Migrate's `flask db upgrade`, which then runs as the owner)."""

from __future__ import annotations

import os

import click
from flask.cli import with_appcontext
from flask_migrate.cli import db as db_cli

from models import db
from workflow.engine.errors import ValidationFailed
from workflow.operations import database_roles

ON_SQLITE = ("SQLite has no roles: whoever may write the database file may change it. Its "
             "triggers refuse UPDATE and DELETE on the audit and ledger tables (DELETE without "
             "a WHERE included: SQLite has no TRUNCATE), and `flask audit verify`, held to the "
             "anchors outside the database, shows any change made by lifting them.")


@db_cli.command("roles")
@click.option("--owner", required=True, help="The role that owns the schema and migrates.")
@click.option("--login", required=True, help="The role the application connects as.")
@with_appcontext
def roles(owner, login):
    """Create or put right the owner and the application's login (PostgreSQL, as a superuser).

    Passwords, if wanted, come from WNF_OWNER_PASSWORD and WNF_LOGIN_PASSWORD (never the
    command line); the server is sent only their SCRAM verifiers.
    """
    if db.engine.dialect.name != "postgresql":
        raise click.ClickException(ON_SQLITE)
    passwords = {owner: os.environ.get("WNF_OWNER_PASSWORD", ""),
                 login: os.environ.get("WNF_LOGIN_PASSWORD", "")}
    with db.engine.connect() as conn:
        transaction = conn.begin()
        try:
            said = database_roles.set_up(conn, owner, login, passwords)
        except ValidationFailed as refusal:
            transaction.rollback()
            raise click.ClickException(refusal.message) from None
        transaction.commit()
    for line in said:
        click.echo(line)
