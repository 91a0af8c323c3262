"""`flask users …` and `flask demo …`: thin wrappers over workflow/."""

from __future__ import annotations

import contextlib
import logging
import sys
import time
from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select, text

from models import FUND_CODES, ROLES, SEATS, Organisation, dated_at, db, write_intent
from workflow.engine.errors import DomainError, ValidationFailed
from workflow.people import accounts, committees

users_cli = AppGroup("users", help="Manage user accounts.")
demo_cli = AppGroup("demo", help="Demo data for trying the application.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", "roles", multiple=True,
              type=click.Choice([r for r in ROLES if r not in committees.COMMITTEE_ROLES]),
              help="Repeat for several roles (the committee roles follow from --seat).")
@click.option("--seat", "seats", multiple=True, metavar="FUND:SEAT",
              type=click.Choice([f"{code}:{seat}" for code in FUND_CODES for seat in SEATS]),
              help="A seat on a fund's committee, e.g. WNF:member or SME:chair; repeat for "
                   "several.")
@click.option("--organisation", "organisation_name", help="Name of the user's organisation.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email, name, roles, seats, organisation_name, password_stdin):
    """Create a user; the password is asked without echo, or read from stdin."""
    if password_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    by_fund: dict[str, set[str]] = {}
    for code, _, seat in (s.partition(":") for s in seats):
        by_fund.setdefault(code, set()).add(seat)
    with write_intent(True):  # the account's creation joins the audit chain
        _create_user(email, name, password, roles, by_fund, organisation_name)


def _create_user(email, name, password, roles, seats, organisation_name) -> None:
    organisation = None
    if organisation_name:
        organisation = db.session.scalar(
            select(Organisation).where(Organisation.name == organisation_name))
        if organisation is None:
            raise click.ClickException(f"No organisation is named {organisation_name!r}.")
    try:
        user = accounts.create_user(email=email, name=name, password=password, roles=roles,
                                    organisation=organisation, seats=seats)
    except ValidationFailed as refusal:
        db.session.rollback()
        raise click.ClickException(refusal.message) from None
    db.session.commit()
    click.echo(f"Created {user.email} with roles: {', '.join(sorted(user.roles)) or 'none'}.")
    for code, held in sorted(seats.items()):
        click.echo(f"Seats on the {committees.committee_title(code)}: {', '.join(sorted(held))}.")


@contextlib.contextmanager
def _quiet_workflow_logs():
    """The seed fires hundreds of transitions: their INFO lines would bury its summary."""
    loggers = [logging.getLogger(name) for name in ("transitions", "workflow.engine.service")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


@demo_cli.command("seed")
@click.option("--scale", type=click.IntRange(min=1), metavar="N",
              help="Instead of the living demo, generate N applications with ten years of "
                   "history in bulk (on a database without applications).")
def seed_demo(scale=None):
    """Create the demo organisations, users, funds and rounds, and grants and loans in every
    state (idempotent); with --scale, N generated applications instead."""
    # Imported here, not at start-up: the demo (with fpdf2 for its documents) is no part of
    # the app that gunicorn's workers and the test suite's processes load.
    from demo import living
    from demo import scale as demo_scale

    started = time.perf_counter()
    environment, upload_dir = current_app.config["WNF_ENV"], current_app.config["UPLOAD_DIR"]
    try:
        with write_intent(True), _quiet_workflow_logs():
            if scale:
                with dated_at(demo_scale.history_start(date.today())):
                    counts = living.seed(date.today(), environment)
                    db.session.commit()
                with click.progressbar(length=scale, label="Generating applications",
                                       file=sys.stderr) as bar:
                    counts.update(demo_scale.seed_scale(scale, date.today(), upload_dir,
                                                        progress=bar.update))
            else:
                counts = living.seed(date.today(), environment, upload_dir=upload_dir)
            db.session.commit()
        if scale:
            _analyse()
    except living.DemoRefused as refusal:
        db.session.rollback()
        raise click.ClickException(str(refusal)) from None
    except DomainError as refusal:  # e.g. a demo user deactivated since an earlier seed
        db.session.rollback()
        raise click.ClickException(f"The demo could not be made: {refusal.message}") from None
    click.echo("Demo data ready: " + ", ".join(f"{v} {k}" for k, v in counts.items())
               + f" ({time.perf_counter() - started:.1f} s).")
    click.echo(f"Every demo user's password is {living.DEMO_PASSWORD}")


def _analyse() -> None:
    """After a bulk load on PostgreSQL, the statistics its planner needs now (autovacuum
    would gather them only later): that Japan holds a third of the files, that few ballots
    are open. ANALYZE runs outside the seed's transaction, on its own connection."""
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()


@demo_cli.command("seed-if-empty")
def seed_if_empty():
    """Seed the demo data only when the database has no user yet (used by `make run`)."""
    from models import User

    if db.session.scalar(select(User.id).limit(1)) is not None:
        click.echo("The database already has users; demo data not added.")
        return
    seed_demo.callback(scale=None)
