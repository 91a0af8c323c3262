"""`flask tokens create`: a personal access token for a script, printed once."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from models import TOKEN_SCOPES, User, db, write_intent
from workflow.engine.errors import ValidationFailed
from workflow.people import api_tokens

tokens_cli = AppGroup("tokens", help="Personal access tokens for the API.")


@tokens_cli.command("create")
@click.option("--email", required=True, help="Whose token it is: it acts with their roles.")
@click.option("--scope", required=True, type=click.Choice(TOKEN_SCOPES),
              help="read: GET only; write: read and write.")
@click.option("--days", type=int, default=api_tokens.DEFAULT_DAYS, show_default=True,
              help="How long the token is valid.")
@click.option("--name", default="Script", show_default=True, help="What it is for.")
def create_token(email: str, scope: str, days: int, name: str):
    """Make a token and print it (it is not stored and will not be shown again)."""
    with write_intent(True):
        user = db.session.scalar(select(User).where(User.email == User.normalise_email(email)))
        if user is None:
            raise click.ClickException(f"There is no user with the email {email}.")
        try:
            made = api_tokens.create(user, name, scope, days)
        except ValidationFailed as refusal:
            db.session.rollback()
            raise click.ClickException(refusal.message) from None
        db.session.commit()
    click.echo(made.secret)
