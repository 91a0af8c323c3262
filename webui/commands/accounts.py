"""`flask users …` and `flask demo …`: thin wrappers over workflow/."""

from __future__ import annotations

import sys
from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from models import ROLES, Organisation, db
from workflow import accounts, demo
from workflow.errors import ValidationFailed

users_cli = AppGroup("users", help="Manage user accounts.")
demo_cli = AppGroup("demo", help="Demo data for trying the application.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", "roles", multiple=True, type=click.Choice(ROLES),
              help="Repeat for several roles.")
@click.option("--organisation", "organisation_name", help="Name of the user's organisation.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email, name, roles, organisation_name, password_stdin):
    """Create a user; the password is asked without echo, or read from stdin."""
    if password_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    organisation = None
    if organisation_name:
        organisation = db.session.scalar(
            select(Organisation).where(Organisation.name == organisation_name))
        if organisation is None:
            raise click.ClickException(f"No organisation is named {organisation_name!r}.")
    try:
        user = accounts.create_user(email=email, name=name, password=password, roles=roles,
                                    organisation=organisation)
    except ValidationFailed as refusal:
        db.session.rollback()
        raise click.ClickException(refusal.message) from None
    db.session.commit()
    click.echo(f"Created {user.email} with roles: {', '.join(sorted(user.roles)) or 'none'}.")


@demo_cli.command("seed")
def seed_demo():
    """Create the demo organisations, users, funds and rounds (idempotent)."""
    try:
        counts = demo.seed(date.today(), current_app.config["WNF_ENV"])
    except demo.DemoRefused as refusal:
        raise click.ClickException(str(refusal)) from None
    db.session.commit()
    click.echo("Demo data ready: " + ", ".join(f"{v} {k}" for k, v in counts.items()) + ".")
    click.echo(f"Every demo user's password is {demo.DEMO_PASSWORD}")


@demo_cli.command("seed-if-empty")
def seed_if_empty():
    """Seed the demo data only when the database has no user yet (used by `make run`)."""
    from models import User

    if db.session.scalar(select(User.id).limit(1)) is not None:
        click.echo("The database already has users; demo data not added.")
        return
    seed_demo.callback()
